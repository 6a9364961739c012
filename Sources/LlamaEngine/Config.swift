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

    /// Reads the config of `file`; `path` names the file in errors.
    public init(gguf file: GGUFFile, path: String) throws {
        guard let name = file.architecture, let arch = Architecture(rawValue: name) else {
            throw EngineError.unsupportedArchitecture(file.architecture, path: path)
        }
        func int(_ key: String) throws -> Int {
            guard let value = file.int("\(name).\(key)") else {
                throw EngineError.missingMetadata(key: "\(name).\(key)", path: path)
            }
            return Int(value)
        }
        func float(_ key: String) -> Float? { file.float("\(name).\(key)").map { Float($0) } }

        let dim = try int("embedding_length")
        let heads = try int("attention.head_count")
        guard let embedding = file.tensor(named: "token_embd.weight") else {
            throw EngineError.missingTensor(name: "token_embd.weight", path: path)
        }
        self.init(
            architecture: arch,
            layerCount: try int("block_count"),
            dim: dim,
            hiddenDim: try int("feed_forward_length"),
            headCount: heads,
            kvHeadCount: (try? int("attention.head_count_kv")) ?? heads,
            vocabSize: embedding.dimensions.count > 1 ? embedding.dimensions[1] : 0,
            contextLength: try int("context_length"),
            ropeBase: float("rope.freq_base") ?? 10_000,
            ropeDimensions: (try? int("rope.dimension_count")) ?? dim / heads,
            rmsEpsilon: float("attention.layer_norm_rms_epsilon") ?? 1e-5
        )
        guard dim % heads == 0, heads % kvHeadCount == 0, ropeDimensions <= headDim,
              ropeDimensions % 2 == 0, layerCount > 0, hiddenDim > 0, vocabSize > 0 else {
            throw EngineError.missingMetadata(
                key: "\(name).* (inconsistent: dim \(dim), heads \(heads), kv heads \(kvHeadCount), "
                    + "rope dims \(ropeDimensions))", path: path)
        }
    }
}
