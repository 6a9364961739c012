import GGUF

/// Text <-> token ids for a GGUF model's vocabulary, matching llama.cpp token for token.
///
/// Two families are supported: SentencePiece-style BPE (`tokenizer.ggml.model = llama`: scored
/// merges over characters, "▁" for spaces, byte fallback `<0xXX>`) and GPT-2 byte-level BPE
/// (`gpt2`: ranked merges over bytes, with the pre-tokenizer chosen by `tokenizer.ggml.pre`).
/// The value is immutable and cheap to copy; encoding allocates only per call.
public struct Tokenizer: Sendable {
    public enum Model: String, Sendable {
        /// `tokenizer.ggml.model = llama`
        case sentencePiece
        /// `tokenizer.ggml.model = gpt2`
        case bytePairEncoding
    }

    public let model: Model
    /// `tokenizer.ggml.pre` as used (SentencePiece vocabularies have none).
    public let preTokenizerName: String?
    /// Number of tokens in the vocabulary (ids are 0..<vocabularySize).
    public let vocabularySize: Int

    public let bos: Int32?
    public let eos: Int32?
    /// End of turn (`<|im_end|>`, `<|eot_id|>`, ...), from the GGUF key or found by text. When a
    /// vocabulary has several such texts, llama.cpp's pick depends on hash-map order; this takes
    /// the first of its list (`<|eot_id|>`, `<|im_end|>`, `<|end|>`, ...). Stop on
    /// `isEndOfGeneration`, which matches llama.cpp's set exactly.
    public let eot: Int32?
    public let eom: Int32?
    public let unknown: Int32?
    public let padding: Int32?
    /// Fill-in-the-middle tokens, from `tokenizer.ggml.fim_*_token_id` or found by their text
    /// (`<|fim_prefix|>`, `<fim_prefix>`, `<PRE>`, ...), as llama.cpp does.
    public let fimPrefix: Int32?
    public let fimSuffix: Int32?
    public let fimMiddle: Int32?
    public let fimPad: Int32?
    public let fimRepo: Int32?
    public let fimSeparator: Int32?
    /// Tokens that end generation (EOS, EOT, FIM pad/repo/separator and the usual end texts).
    public let endOfGenerationTokens: Set<Int32>

    /// Whether prompts start with BOS (`tokenizer.ggml.add_bos_token`, llama.cpp's defaults).
    public let addsBOS: Bool
    /// SentencePiece: a space is put before the text (`tokenizer.ggml.add_space_prefix`).
    public let addsSpacePrefix: Bool

    // Vocabulary: ids below `vocabularySize` are tokens; above are strings found only in merges.
    let symbols: ByteStringTable
    let attributes: [TokenAttributes]
    let types: [TokenType]
    let scores: [Float]
    let merges: MergeTable
    /// BPE: the symbol for each raw byte. SentencePiece: the byte-fallback token, -1 if none.
    let byteSymbols: [Int32]
    let preTokenizer: PreTokenizer?
    let specials: SpecialTokenMatcher
    /// What each token decodes to, back to back.
    let pieces: [UInt8]
    let pieceOffsets: [Int32]

    /// Reads the `tokenizer.ggml.*` keys of a GGUF file.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(TokenizerSource(gguf: gguf))
    }

    // MARK: Token lookups

    /// The bytes a token stands for (control tokens: their text as stored).
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < vocabularySize else { return [] }
        return Array(pieces[Int(pieceOffsets[Int(id)])..<Int(pieceOffsets[Int(id) + 1])])
    }

    /// The vocabulary entry as stored (byte-level BPE: in GPT-2's character form, e.g. "Ġthe").
    public func tokenText(_ id: Int32) -> String {
        guard id >= 0, Int(id) < vocabularySize else { return "" }
        return String(decoding: symbols.bytes(id), as: UTF8.self)
    }

    /// The token whose stored text is exactly `text` (for special tokens such as "<|fim_prefix|>").
    public func tokenID(forText text: String) -> Int32? {
        var text = text
        return text.withUTF8 { vocabularyToken($0) }
    }

    /// The most bytes any one token decodes to. Text of `n` bytes therefore encodes to at least
    /// `n / longestTokenBytes` tokens, which lets callers cut text to a token budget by bytes first.
    public var longestTokenBytes: Int {
        var longest = 0
        for id in 0..<vocabularySize { longest = max(longest, Int(pieceOffsets[id + 1] - pieceOffsets[id])) }
        return longest
    }

    /// The stored `tokenizer.ggml.token_type`, except that tokens llama.cpp promotes to control
    /// (end-of-generation and FIM tokens found by their text) read as `.control`.
    public func tokenType(_ id: Int32) -> TokenType {
        guard id >= 0, Int(id) < vocabularySize else { return .undefined }
        return types[Int(id)]
    }

    /// Control and unknown tokens: not rendered by `decode` unless asked.
    public func isControl(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) < vocabularySize else { return false }
        return !attributes[Int(id)].isDisjoint(with: [.control, .unknown])
    }

    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGenerationTokens.contains(id) }

    /// Text tokens that can start a continuation whose bytes must begin with `required`: those whose
    /// bytes begin with it, and those that are a non-empty prefix of it (token healing: the prompt's
    /// last token was taken off and the model writes it again, possibly longer, possibly in parts).
    public func tokens(compatibleWith required: [UInt8]) -> [Int32] {
        guard let first = required.first else { return [] }
        var found: [Int32] = []
        pieces.withUnsafeBufferPointer { bytes in
            for id in 0..<vocabularySize {
                let start = Int(pieceOffsets[id]), end = Int(pieceOffsets[id + 1])
                guard start < end, bytes[start] == first else { continue }
                let n = min(end - start, required.count)
                var same = true
                for k in 1..<n where bytes[start + k] != required[k] { same = false; break }
                if same && !isControl(Int32(id)) { found.append(Int32(id)) }
            }
        }
        return found
    }

    @inline(__always)
    func vocabularyToken(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let id = symbols.find(text), Int(id) < vocabularySize else { return nil }
        return id
    }

    @inline(__always)
    func score(_ id: Int32) -> Float { scores.isEmpty ? 0 : scores[Int(id)] }

    // MARK: Encoding

    /// Tokenizes `text`. Special tokens (control tokens such as "<|fim_prefix|>") are produced
    /// only with `parseSpecial: true`; otherwise such text is tokenized as plain characters.
    /// `addSpacePrefix` overrides SentencePiece's dummy leading space (default: the model's
    /// `addsSpacePrefix`, as llama.cpp); pass false to tokenize a piece of a larger text.
    public func encode(_ text: String, addBOS: Bool = false, parseSpecial: Bool = false, addSpacePrefix: Bool? = nil) -> [Int32] {
        var text = text
        return text.withUTF8 {
            encode(utf8: $0, addBOS: addBOS, parseSpecial: parseSpecial, addSpacePrefix: addSpacePrefix)
        }
    }

    /// Tokenizes UTF-8 bytes (which must be valid UTF-8).
    public func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, addBOS: Bool = false, parseSpecial: Bool = false,
                       addSpacePrefix: Bool? = nil) -> [Int32] {
        let spacePrefix = model == .sentencePiece && (addSpacePrefix ?? addsSpacePrefix)
        var output: [Int32] = []
        output.reserveCapacity(bytes.count / 3 + 2)
        if addBOS, let bos { output.append(bos) }
        var encoder = FragmentEncoder(tokenizer: self)
        var previousWasSpecial = true  // SentencePiece puts its space prefix on the first text
        for fragment in specials.partition(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                let text = UnsafeBufferPointer(rebasing: bytes[range])
                switch model {
                case .sentencePiece:
                    encoder.encodeSentencePiece(text, spacePrefix: spacePrefix && previousWasSpecial, into: &output)
                case .bytePairEncoding:
                    encoder.encodeBytePair(text, into: &output)
                }
                previousWasSpecial = false
            }
        }
        return output
    }

    // MARK: Decoding

    /// Decodes a whole token sequence to text. Control and unknown tokens are skipped unless
    /// `renderSpecial`; SentencePiece's space prefix is removed from the first token, as
    /// llama.cpp does, so `decode(encode(x)) == x`. Invalid UTF-8 becomes U+FFFD.
    public func decode(_ tokens: [Int32], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokens.count * 4)
        var first = true
        for id in tokens {
            guard id >= 0, Int(id) < vocabularySize else { continue }
            if !renderSpecial && isControl(id) {
                first = false
                continue
            }
            var start = Int(pieceOffsets[Int(id)])
            let end = Int(pieceOffsets[Int(id) + 1])
            if first && addsSpacePrefix && start < end && pieces[start] == 0x20 { start += 1 }
            first = false
            bytes.append(contentsOf: pieces[start..<end])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the bytes `id` decodes to (nothing for control tokens unless `renderSpecial`).
    func appendPiece(_ id: Int32, renderSpecial: Bool, to bytes: inout [UInt8]) {
        guard id >= 0, Int(id) < vocabularySize else { return }
        if !renderSpecial && isControl(id) { return }
        bytes.append(contentsOf: pieces[Int(pieceOffsets[Int(id)])..<Int(pieceOffsets[Int(id) + 1])])
    }

    /// SentencePiece byte fallback: `<0xXX>` (or the single-byte token) for a byte with no token.
    func appendByteToken(_ byte: UInt8, to output: inout [Int32]) {
        let id = byteSymbols[Int(byte)]
        if id >= 0 {
            output.append(id)
        } else if let unknown {
            output.append(unknown)
        }
    }
}
