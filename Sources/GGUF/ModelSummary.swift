/// The facts `infill model-info` prints, read from GGUF metadata alone (no weights touched).
public struct ModelSummary: Sendable {
    public var architecture: String
    public var name: String?
    public var contextLength: Int?
    public var layers: Int?
    public var heads: Int?
    public var kvHeads: Int?
    public var embeddingSize: Int?
    public var feedForwardSize: Int?
    public var ropeBase: Double?
    /// "neox" for qwen2-style rotary embedding, "normal" for llama-style.
    public var ropeType: String
    public var vocabularySize: Int
    public var tokenizerModel: String?
    public var tokenizerPre: String?
    public var bos: Int?
    public var eos: Int?
    public var eot: Int?
    /// FIM-related special tokens: role ("prefix", "suffix", ...) → (id, text, how it was found).
    public var fimTokens: [(role: String, id: Int, text: String, source: String)]
    public var tensorTypes: [(type: GGMLType, count: Int, bytes: Int)]
    public var tensorCount: Int
    public var fileBytes: Int

    /// Roles llama.cpp knows under `tokenizer.ggml.fim_*_token_id`, with the token texts that the
    /// common code-model families use when the keys are absent (the Qwen2.5-Coder files have none).
    static let fimRoles: [(role: String, key: String, texts: [String])] = [
        ("prefix", "tokenizer.ggml.fim_pre_token_id", ["<|fim_prefix|>", "<fim_prefix>", "<PRE>", "▁<PRE>", "<｜fim▁begin｜>", "<|fim▁begin|>"]),
        ("suffix", "tokenizer.ggml.fim_suf_token_id", ["<|fim_suffix|>", "<fim_suffix>", "<SUF>", "▁<SUF>", "<｜fim▁hole｜>", "<|fim▁hole|>"]),
        ("middle", "tokenizer.ggml.fim_mid_token_id", ["<|fim_middle|>", "<fim_middle>", "<MID>", "▁<MID>", "<｜fim▁end｜>", "<|fim▁end|>"]),
        ("pad", "tokenizer.ggml.fim_pad_token_id", ["<|fim_pad|>", "<fim_pad>"]),
        ("repo", "tokenizer.ggml.fim_rep_token_id", ["<|repo_name|>", "<reponame>"]),
        ("file separator", "tokenizer.ggml.fim_sep_token_id", ["<|file_sep|>", "<file_sep>"]),
    ]

    public init(_ file: GGUFFile) {
        let arch = file.architecture ?? "unknown"
        func archInt(_ key: String) -> Int? { file.int("\(arch).\(key)") }
        architecture = arch
        name = file.string("general.name")
        contextLength = archInt("context_length")
        layers = archInt("block_count")
        heads = archInt("attention.head_count")
        kvHeads = archInt("attention.head_count_kv") ?? heads
        embeddingSize = archInt("embedding_length")
        feedForwardSize = archInt("feed_forward_length")
        ropeBase = file.float("\(arch).rope.freq_base")
        ropeType = ["qwen2", "qwen2moe", "qwen3", "phi2", "phi3", "gemma", "gemma2", "starcoder2", "stablelm", "gptneox", "falcon"].contains(arch) ? "neox" : "normal"
        let tokens = file.stringArray("tokenizer.ggml.tokens") ?? []
        vocabularySize = tokens.count
        tokenizerModel = file.string("tokenizer.ggml.model")
        tokenizerPre = file.string("tokenizer.ggml.pre")
        bos = file.int("tokenizer.ggml.bos_token_id")
        eos = file.int("tokenizer.ggml.eos_token_id")
        eot = file.int("tokenizer.ggml.eot_token_id")

        var textIndex: [String: Int] = [:]
        let wanted = Set(Self.fimRoles.flatMap(\.texts))
        for (i, t) in tokens.enumerated() where wanted.contains(t) { textIndex[t] = i }
        fimTokens = Self.fimRoles.compactMap { role in
            if let id = file.int(role.key), id >= 0, id < tokens.count {
                return (role.role, id, tokens[id], "metadata key")
            }
            for text in role.texts { if let id = textIndex[text] { return (role.role, id, text, "token text") } }
            return nil
        }

        var histogram: [GGMLType: (Int, Int)] = [:]
        for t in file.tensors { let h = histogram[t.type] ?? (0, 0); histogram[t.type] = (h.0 + 1, h.1 + t.byteCount) }
        tensorTypes = histogram.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.bytes > $1.bytes }
        tensorCount = file.tensors.count
        fileBytes = file.fileSize
    }

    /// Human-readable report, one fact per line.
    public var report: String {
        func show(_ v: Int?) -> String { v.map(String.init) ?? "?" }
        var lines = [
            "architecture:      \(architecture)" + (name.map { " (\($0))" } ?? ""),
            "context length:    \(show(contextLength))",
            "layers:            \(show(layers))",
            "heads / kv heads:  \(show(heads)) / \(show(kvHeads))",
            "embedding size:    \(show(embeddingSize))",
            "feed-forward size: \(show(feedForwardSize))",
            "rope:              base \(ropeBase.map { String($0) } ?? "?"), type \(ropeType)",
            "vocabulary:        \(vocabularySize) tokens, model \(tokenizerModel ?? "?"), pre \(tokenizerPre ?? "-")",
            "bos / eos / eot:   \(show(bos)) / \(show(eos)) / \(show(eot))",
        ]
        if fimTokens.isEmpty {
            lines.append("FIM tokens:        none (this model cannot fill in the middle)")
        } else {
            let roles = Set(fimTokens.map(\.role))
            let canFill = roles.isSuperset(of: ["prefix", "suffix", "middle"])
            lines.append("FIM tokens:" + (canFill ? "" : "        incomplete (no prefix/suffix/middle: this model cannot fill in the middle)"))
            for t in fimTokens { lines.append("  \(t.role): \(t.id) \(t.text) (by \(t.source))") }
        }
        lines.append("tensors:           \(tensorCount), \(fileBytes) bytes in file")
        for t in tensorTypes { lines.append("  \(t.type): \(t.count) tensors, \(t.bytes) bytes") }
        return lines.joined(separator: "\n")
    }
}
