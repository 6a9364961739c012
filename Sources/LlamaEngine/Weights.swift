import GGUF

/// A named 2-D weight tensor viewed in place in the mapped GGUF (the kernels' `WeightMatrix` plus the
/// tensor name for messages): `rows` rows of `cols` elements, quantized blocks running along a row.
public struct Matrix: @unchecked Sendable {
    public let name: String
    public let weight: WeightMatrix

    public var type: GGMLType { weight.type }
    public var rows: Int { weight.rows }
    public var cols: Int { weight.cols }
    public func row(_ r: Int) -> UnsafeRawPointer { weight.row(r) }
}

/// One transformer block's weights. y = W·x with W of `rows` × `cols`; shapes in (rows, cols).
public struct LayerWeights: @unchecked Sendable {
    public let attentionNorm: UnsafePointer<Float>  // (dim)
    public let wq: Matrix                            // (dim, dim)
    public let wk: Matrix                            // (kvDim, dim)
    public let wv: Matrix                            // (kvDim, dim)
    public let bq: UnsafePointer<Float>?             // (dim), qwen2 only
    public let bk: UnsafePointer<Float>?             // (kvDim), qwen2 only
    public let bv: UnsafePointer<Float>?             // (kvDim), qwen2 only
    public let wo: Matrix                            // (dim, dim)
    public let ffnNorm: UnsafePointer<Float>         // (dim)
    public let gate: Matrix                          // (hiddenDim, dim)  w1
    public let up: Matrix                            // (hiddenDim, dim)  w3
    public let down: Matrix                          // (dim, hiddenDim)  w2
}

/// All weights of a model: views into the mapped file, except the small 1-D vectors (norms, biases),
/// which are converted to f32 once so the forward pass reads them directly.
public struct Weights: @unchecked Sendable {
    public let tokenEmbedding: Matrix                // (vocab, dim)
    public let layers: [LayerWeights]
    public let outputNorm: UnsafePointer<Float>      // (dim)
    public let output: Matrix                        // (vocab, dim); token_embd when output.weight is absent
    /// Owns the f32 copies of the 1-D tensors.
    let vectorStorage: VectorStorage

    /// Weight elements multiplied per token (all matrices and the classifier; the embedding is a lookup).
    public var matrixElementsPerToken: Int {
        layers.reduce(output.rows * output.cols) { sum, l in
            sum + [l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down].reduce(0) { $0 + $1.rows * $1.cols }
        }
    }

    /// Weight bytes read per decoded token.
    public var matrixBytesPerToken: Int {
        layers.reduce(output.rows * output.weight.rowBytes) { sum, l in
            sum + [l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down].reduce(0) { $0 + $1.rows * $1.weight.rowBytes }
        }
    }

    /// The types of the layer matrices (those prompt batches multiply; the classifier runs on one row).
    public var matrixTypes: Set<GGMLType> {
        Set(layers.flatMap { l in [l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down].map(\.type) })
    }

    /// Types the matrix kernels compute with.
    public static var supportedTypes: Set<GGMLType> { Linear.supportedTypes }

    public init(gguf file: GGUFFile, config c: LlamaConfig, path: String) throws {
        let storage = VectorStorage()
        func matrix(_ name: String, rows: Int, cols: Int) throws -> Matrix {
            guard let info = file.tensor(named: name) else {
                throw EngineError.missingTensor(name: name, path: path)
            }
            guard info.dimensions.count == 2, info.dimensions[0] == cols, info.dimensions[1] == rows else {
                throw EngineError.wrongShape(name: name, expected: [cols, rows], found: info.dimensions, path: path)
            }
            guard Linear.supportedTypes.contains(info.type) else {
                throw EngineError.unsupportedTensorType(name: name, type: "\(info.type)", path: path)
            }
            guard let weight = WeightMatrix(type: info.type, rows: rows, cols: cols,
                                            base: file.bytes(of: info).baseAddress!) else {
                throw EngineError.wrongShape(name: name, expected: [cols, rows], found: info.dimensions, path: path)
            }
            return Matrix(name: name, weight: weight)
        }
        func vector(_ name: String, count: Int) throws -> UnsafePointer<Float> {
            guard let info = file.tensor(named: name) else {
                throw EngineError.missingTensor(name: name, path: path)
            }
            guard info.dimensions.reduce(1, *) == count, info.dimensions.first == count else {
                throw EngineError.wrongShape(name: name, expected: [count], found: info.dimensions, path: path)
            }
            guard Linear.supportedTypes.contains(info.type) else {
                throw EngineError.unsupportedTensorType(name: name, type: "\(info.type)", path: path)
            }
            let out = storage.allocate(count)
            Linear.dequantizeRow(info.type, file.bytes(of: info).baseAddress!, out, count: count)
            return UnsafePointer(out)
        }
        func optionalVector(_ name: String, count: Int) throws -> UnsafePointer<Float>? {
            file.tensor(named: name) == nil ? nil : try vector(name, count: count)
        }

        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        var layers: [LayerWeights] = []
        for l in 0..<c.layerCount {
            let p = "blk.\(l)."
            layers.append(LayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: c.dim),
                wq: try matrix(p + "attn_q.weight", rows: c.dim, cols: c.dim),
                wk: try matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim),
                wv: try matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim),
                bq: c.hasQKVBias ? try vector(p + "attn_q.bias", count: c.dim) : try optionalVector(p + "attn_q.bias", count: c.dim),
                bk: c.hasQKVBias ? try vector(p + "attn_k.bias", count: c.kvDim) : try optionalVector(p + "attn_k.bias", count: c.kvDim),
                bv: c.hasQKVBias ? try vector(p + "attn_v.bias", count: c.kvDim) : try optionalVector(p + "attn_v.bias", count: c.kvDim),
                wo: try matrix(p + "attn_output.weight", rows: c.dim, cols: c.dim),
                ffnNorm: try vector(p + "ffn_norm.weight", count: c.dim),
                gate: try matrix(p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim),
                up: try matrix(p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim),
                down: try matrix(p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim)
            ))
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", count: c.dim)
        output = file.tensor(named: "output.weight") == nil
            ? tokenEmbedding
            : try matrix("output.weight", rows: c.vocabSize, cols: c.dim)
        vectorStorage = storage
    }
}

/// Owns the f32 buffers of the 1-D tensors for the lifetime of the weights.
final class VectorStorage: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        buffers.append(p)
        return p
    }
    deinit { buffers.forEach { $0.deallocate() } }
}
