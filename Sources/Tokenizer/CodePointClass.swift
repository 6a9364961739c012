/// Unicode classes the pre-tokenizers test, one byte per code point: the general category
/// (\p{L}, \p{N}, \p{P}, \p{S}, \p{M}, ...) plus llama.cpp's white-space set (\s).
struct CodePointClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = CodePointClass(rawValue: 1 << 0)
    static let number = CodePointClass(rawValue: 1 << 1)
    static let punctuation = CodePointClass(rawValue: 1 << 2)
    static let symbol = CodePointClass(rawValue: 1 << 3)
    static let mark = CodePointClass(rawValue: 1 << 4)
    static let separator = CodePointClass(rawValue: 1 << 5)
    /// Control, format, private use, surrogate or unassigned.
    static let other = CodePointClass(rawValue: 1 << 6)
    static let whitespace = CodePointClass(rawValue: 1 << 7)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    @inline(__always)
    static func of(_ cp: UInt32) -> CodePointClass {
        if cp < 0x10000 { return CodePointClass(rawValue: basicPlane[Int(cp)]) }
        return compute(cp)
    }

    static func compute(_ cp: UInt32) -> CodePointClass {
        guard let scalar = Unicode.Scalar(cp) else { return .other }
        var c: CodePointClass
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            c = .letter
        case .nonspacingMark, .spacingMark, .enclosingMark:
            c = .mark
        case .decimalNumber, .letterNumber, .otherNumber:
            c = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            c = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            c = .symbol
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            c = .separator
        default:
            c = .other
        }
        if isWhitespace(cp) { c.insert(.whitespace) }
        return c
    }

    /// llama.cpp's \s: the Unicode White_Space set.
    static func isWhitespace(_ cp: UInt32) -> Bool {
        switch cp {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Classes of the basic multilingual plane, built on first use (a few milliseconds).
    private static let basicPlane: [UInt8] = (0..<0x10000).map { compute(UInt32($0)).rawValue }
}
