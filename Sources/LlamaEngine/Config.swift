import GGUF

/// Model families the forward pass implements.
public enum Architecture: String, CaseIterable, Sendable {
    /// RMSNorm, RoPE on adjacent pairs, SwiGLU, grouped-query attention (Llama 2, Code Llama, SmolLM2).
    case llama
    /// As `llama`, plus q/k/v biases and NeoX RoPE (element i rotates with i + n_rot/2) (Qwen2.5).
    case qwen2
}

/// How RoPE pairs the elements of a head.
public enum RopeStyle: Sendable {
    case adjacentPairs  // llama.cpp "normal": (2i, 2i+1)
    case neox           // (i, i + n_rot/2)
}

/// The hyperparameters of a model, read once from the GGUF metadata (llama2.c's `Config`).
public struct LlamaConfig: Sendable, Equatable {
    public var architecture: Architecture
    public var layerCount: Int          // {arch}.block_count
    public var dim: Int                 // {arch}.embedding_length
    public var hiddenDim: Int           // {arch}.feed_forward_length
    public var headCount: Int           // {arch}.attention.head_count
    public var kvHeadCount: Int         // {arch}.attention.head_count_kv (GQA)
    public var vocabSize: Int           // rows of token_embd
    public var contextLength: Int       // {arch}.context_length (training context)
    public var ropeBase: Float          // {arch}.rope.freq_base
    public var ropeDimensions: Int      // {arch}.rope.dimension_count (rotated elements per head)
    public var rmsEpsilon: Float        // {arch}.attention.layer_norm_rms_epsilon

    public var headDim: Int { dim / headCount }
    public var kvDim: Int { headDim * kvHeadCount }
    public var ropeStyle: RopeStyle { architecture == .qwen2 ? .neox : .adjacentPairs }
    public var hasQKVBias: Bool { architecture == .qwen2 }

    public init(architecture: Architecture, layerCount: Int, dim: Int, hiddenDim: Int, headCount: Int,
                kvHeadCount: Int, vocabSize: Int, contextLength: Int, ropeBase: Float,
                ropeDimensions: Int, rmsEpsilon: Float) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.dim = dim
        self.hiddenDim = hiddenDim
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.ropeBase = ropeBase
        self.ropeDimensions = ropeDimensions
        self.rmsEpsilon = rmsEpsilon
    }

    /// Reads the config of `file`; `path` names the file in errors. Every value is checked before
    /// anything divides by it or sizes a buffer with it.
    public init(gguf file: GGUFFile, path: String) throws {
        guard let name = file.architecture, let arch = Architecture(rawValue: name) else {
            throw EngineError.unsupportedArchitecture(file.architecture, path: path)
        }
        /// A positive integer key (at most Int32.max, as llama.cpp's hyperparameters are).
        func int(_ key: String, default fallback: Int? = nil) throws -> Int {
            let fullKey = "\(name).\(key)"
            guard let value = file.metadata[fullKey] else {
                if let fallback { return fallback }
                throw EngineError.missingMetadata(key: fullKey, path: path)
            }
            guard let n = value.int, n >= 1, n <= Int(Int32.max) else {
                throw EngineError.badMetadata(key: fullKey, value: Self.show(value), expected: "an integer from 1 to \(Int32.max)", path: path)
            }
            return n
        }
        /// A finite positive float key.
        func float(_ key: String, default fallback: Float) throws -> Float {
            let fullKey = "\(name).\(key)"
            guard let value = file.metadata[fullKey] else { return fallback }
            guard let x = value.double.map(Float.init), x.isFinite, x > 0 else {
                throw EngineError.badMetadata(key: fullKey, value: Self.show(value), expected: "a finite number above 0", path: path)
            }
            return x
        }

        let dim = try int("embedding_length")
        let heads = try int("attention.head_count")
        let kvHeads = try int("attention.head_count_kv", default: heads)
        guard dim % heads == 0 else {
            throw EngineError.badMetadata(key: "\(name).attention.head_count", value: "\(heads)",
                                          expected: "a divisor of embedding_length \(dim)", path: path)
        }
        guard heads % kvHeads == 0 else {
            throw EngineError.badMetadata(key: "\(name).attention.head_count_kv", value: "\(kvHeads)",
                                          expected: "a divisor of head_count \(heads)", path: path)
        }
        let ropeDimensions = try int("rope.dimension_count", default: dim / heads)
        guard ropeDimensions <= dim / heads, ropeDimensions % 2 == 0 else {
            throw EngineError.badMetadata(key: "\(name).rope.dimension_count", value: "\(ropeDimensions)",
                                          expected: "an even number up to the head size \(dim / heads)", path: path)
        }
        guard let embedding = file.tensor(named: "token_embd.weight") else {
            throw EngineError.missingTensor(name: "token_embd.weight", path: path)
        }
        guard embedding.dimensions.count == 2 else {
            throw EngineError.wrongShape(name: "token_embd.weight", expected: [dim, -1], found: embedding.dimensions, path: path)
        }
        self.init(
            architecture: arch,
            layerCount: try int("block_count"),
            dim: dim,
            hiddenDim: try int("feed_forward_length"),
            headCount: heads,
            kvHeadCount: kvHeads,
            vocabSize: embedding.dimensions[1],
            contextLength: try int("context_length"),
            ropeBase: try float("rope.freq_base", default: 10_000),
            ropeDimensions: ropeDimensions,
            rmsEpsilon: try float("attention.layer_norm_rms_epsilon", default: 1e-5)
        )
    }

    /// A metadata value for a message: numbers as numbers, other values by their type.
    static func show(_ value: GGUFValue) -> String {
        if let n = value.int { return String(n) }
        if let x = value.double { return String(x) }
        return "of type \(value.typeTag)"
    }
}
