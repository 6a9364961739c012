import GGUF

/// The `tokenizer.ggml.*` values of a model, as plain arrays (what `Tokenizer` is built from).
struct TokenizerSource: Sendable {
    var source: String = "<memory>"
    var model: String
    var pre: String?
    var tokens: [String]
    var tokenTypes: [Int]?
    var scores: [Float]?
    var merges: [String]?
    /// `tokenizer.ggml.<name>_token_id` values by name ("bos", "eos", "fim_pre", ...).
    var tokenIDs: [String: Int] = [:]
    var addBOS: Bool?
    var addSpacePrefix: Bool?
    /// `general.name` (llama.cpp strips white space around Phi-3's special tokens).
    var modelName: String?

    static let tokenIDKeys = [
        "bos", "eos", "eot", "eom", "unknown", "seperator", "padding",
        "fim_pre", "fim_suf", "fim_mid", "fim_pad", "fim_rep", "fim_sep", "prefix", "suffix", "middle",
    ]

    init(model: String, pre: String? = nil, tokens: [String], tokenTypes: [Int]? = nil, scores: [Float]? = nil,
         merges: [String]? = nil) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.scores = scores
        self.merges = merges
    }

    init(gguf: GGUFFile) throws(TokenizerError) {
        let path = gguf.path
        guard let model = gguf.string("tokenizer.ggml.model") else {
            throw TokenizerError(source: path, "no tokenizer.ggml.model key; this GGUF has no vocabulary (use a model converted with its tokenizer)")
        }
        guard let tokens = gguf.stringArray("tokenizer.ggml.tokens"), !tokens.isEmpty else {
            throw TokenizerError(source: path, "tokenizer.ggml.tokens is missing or not an array of strings")
        }
        self.init(model: model, pre: gguf.string("tokenizer.ggml.pre"), tokens: tokens,
                  tokenTypes: gguf.intArray("tokenizer.ggml.token_type"),
                  scores: gguf.floatArray("tokenizer.ggml.scores"),
                  merges: gguf.stringArray("tokenizer.ggml.merges"))
        source = path
        for name in Self.tokenIDKeys {
            if let id = gguf.int("tokenizer.ggml.\(name)_token_id") { tokenIDs[name] = id }
        }
        addBOS = gguf.bool("tokenizer.ggml.add_bos_token")
        addSpacePrefix = gguf.bool("tokenizer.ggml.add_space_prefix")
        modelName = gguf.string("general.name")
    }
}
