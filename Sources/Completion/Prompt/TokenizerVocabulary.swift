// The real tokenizer as the prompt builder's vocabulary (Completion codes against `TokenVocabulary`
// so its tests run without a model file).
import Tokenizer

/// Adapts `Tokenizer` to `TokenVocabulary`.
public struct TokenizerVocabulary: TokenVocabulary {
    public let tokenizer: Tokenizer
    /// Token id of a lone newline, used to encode text without SentencePiece's space prefix.
    private let newline: [Int32]
    /// Found once per vocabulary: a scan of all its tokens.
    public let maxBytesPerToken: Int?

    public init(_ tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        newline = tokenizer.addsSpacePrefix ? tokenizer.encode("\n") : []
        // Byte fallback and unknown tokens stand for one byte or one character (4 bytes at most).
        maxBytesPerToken = max(4, tokenizer.longestTokenBytes)
    }

    /// Plain text, no BOS, specials not parsed. SentencePiece vocabularies that add a space prefix get
    /// none here: the text is encoded behind a newline (which never merges with what follows) and
    /// the newline's tokens are dropped.
    public func encode(_ text: String) -> [Int32] {
        guard tokenizer.addsSpacePrefix, !text.isEmpty else { return tokenizer.encode(text) }
        let ids = tokenizer.encode("\n" + text)
        guard ids.starts(with: newline) else { return tokenizer.encode(text) }
        return Array(ids.dropFirst(newline.count))
    }

    /// Behind a newline for the same reason as `encode` (SentencePiece drops the first token's space).
    public func decode(_ ids: [Int32]) -> String {
        guard tokenizer.addsSpacePrefix, !ids.isEmpty else { return tokenizer.decode(ids) }
        return String(tokenizer.decode(newline + ids).dropFirst())
    }

    public func tokenID(forText text: String) -> Int32? { tokenizer.tokenID(forText: text) }

    public func tokenText(_ id: Int32) -> String? {
        guard id >= 0, Int(id) < tokenizer.vocabularySize else { return nil }
        return tokenizer.tokenText(id)
    }

    public var bos: Int32? { tokenizer.bos }
    public var eos: Int32? { tokenizer.eos }

    /// The tokenizer already read the FIM keys (and, like llama.cpp, found FIM tokens by name when
    /// the keys are absent); it answers for those keys.
    public func metadataInt(_ key: String) -> Int? {
        let value: Int32?
        switch key {
        case "tokenizer.ggml.fim_pre_token_id": value = tokenizer.fimPrefix
        case "tokenizer.ggml.fim_suf_token_id": value = tokenizer.fimSuffix
        case "tokenizer.ggml.fim_mid_token_id": value = tokenizer.fimMiddle
        case "tokenizer.ggml.fim_pad_token_id": value = tokenizer.fimPad
        case "tokenizer.ggml.fim_rep_token_id": value = tokenizer.fimRepo
        case "tokenizer.ggml.fim_sep_token_id": value = tokenizer.fimSeparator
        case "tokenizer.ggml.eot_token_id": value = tokenizer.eot
        case "tokenizer.ggml.eom_token_id": value = tokenizer.eom
        default: value = nil
        }
        return value.map(Int.init)
    }

    public func metadataBool(_ key: String) -> Bool? {
        key == "tokenizer.ggml.add_bos_token" ? tokenizer.addsBOS : nil
    }
}
