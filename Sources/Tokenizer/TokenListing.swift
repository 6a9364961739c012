/// Tokens as text a person can read and diff, for `infill tokenize` (bug reports, parity checks
/// against llama.cpp's `llama-tokenize`): one line per token, `id<TAB>"piece"`.
extension Tokenizer {
    public func listing(_ tokens: [Int32]) -> String {
        var out = ""
        for id in tokens {
            out += "\(id)\t\"\(Self.escaped(tokenBytes(id)))\"\n"
        }
        return out
    }

    /// A token's bytes between quotes with C-style escapes: whitespace other than a space, quotes,
    /// backslashes and control characters are escaped, and so is every byte that is not valid UTF-8
    /// on its own (a token may hold part of a character), so every piece stays one visible line.
    public static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                if b >= 0x80, i + length <= bytes.count,
                   let text = String(validating: bytes[i..<i + length], as: UTF8.self),
                   let scalar = text.unicodeScalars.first, !scalar.properties.generalCategory.isInvisible {
                    out += text
                    i += length
                    continue
                }
                out += (b < 0x10 ? "\\x0" : "\\x") + String(b, radix: 16, uppercase: true)
            }
            i += 1
        }
        return out
    }
}

private extension Unicode.GeneralCategory {
    /// Characters that would not show on a terminal (line and paragraph separators, controls, ...).
    var isInvisible: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned,
             .spaceSeparator:
            return true
        default:
            return false
        }
    }
}
