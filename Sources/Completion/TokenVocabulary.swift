// The slice of a tokenizer that prompt building needs. Completion codes against this protocol, not the
// concrete `Tokenizer`, so its tests run on a small fake vocabulary and no model file.

/// A model vocabulary as the prompt builder sees it.
public protocol TokenVocabulary: Sendable {
    /// Token ids of `text` read as plain text: special-token strings in it (`<|fim_prefix|>`) stay text,
    /// no BOS is added and no implicit leading space (SentencePiece "dummy prefix") is inserted.
    func encode(_ text: String) -> [Int32]

    /// The id of the vocabulary entry whose text is exactly `text` (special tokens included), if any.
    func tokenID(forText text: String) -> Int32?

    /// The text `ids` stand for (plain text tokens; no SentencePiece space prefix added or removed
    /// beyond what `encode` leaves out), so that `decode(encode(x)) == x`.
    func decode(_ ids: [Int32]) -> String

    /// The stored text of token `id` (for special tokens, their literal name such as `<|endoftext|>`).
    func tokenText(_ id: Int32) -> String?

    /// The most UTF-8 bytes of text one token of `encode` stands for (at least 4: a character without
    /// a token of its own still costs a token per byte or per character). The prompt builder cuts a
    /// document by bytes before tokenizing it: `budget × this` bytes always hold more than `budget`
    /// tokens. Nil when unknown: the builder then tokenizes whole lines.
    var maxBytesPerToken: Int? { get }

    /// Beginning-of-sequence and end-of-sequence ids from the model file, if it names them.
    var bos: Int32? { get }
    var eos: Int32? { get }

    /// Integer and boolean metadata of the model file (`tokenizer.ggml.fim_pre_token_id`,
    /// `tokenizer.ggml.add_bos_token`); nil when the key is absent.
    func metadataInt(_ key: String) -> Int?
    func metadataBool(_ key: String) -> Bool?
}

extension TokenVocabulary {
    public var maxBytesPerToken: Int? { nil }
}
