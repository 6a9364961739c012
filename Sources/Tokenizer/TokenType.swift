/// A token's type as stored in `tokenizer.ggml.token_type` (llama.cpp's numbering).
public enum TokenType: Int32, Sendable, CaseIterable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6

    init(storedValue: Int) {
        self = TokenType(rawValue: Int32(truncatingIfNeeded: storedValue)) ?? .undefined
    }
}

/// How a token behaves when encoding and decoding: its type plus llama.cpp's per-model overrides
/// (end-of-generation and FIM tokens found by their text become control tokens; Phi-3 strips
/// whitespace around its special tokens).
struct TokenAttributes: OptionSet, Sendable {
    let rawValue: UInt8
    static let normal = TokenAttributes(rawValue: 1 << 0)
    static let unknown = TokenAttributes(rawValue: 1 << 1)
    static let control = TokenAttributes(rawValue: 1 << 2)
    static let userDefined = TokenAttributes(rawValue: 1 << 3)
    static let unused = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    static let lstrip = TokenAttributes(rawValue: 1 << 6)
    static let rstrip = TokenAttributes(rawValue: 1 << 7)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ type: TokenType) {
        switch type {
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        case .undefined: self = []
        }
    }

    /// Split out of the text before pre-tokenizing: always for user-defined tokens, and for
    /// control/unknown tokens only when the caller asks to parse special tokens.
    var isSpecialCandidate: Bool { !intersection([.control, .userDefined, .unknown]).isEmpty }
}
