// Line endings: the pipeline works on "\n" and converts the result to the document's ending last.

public enum LineEnding: String, Sendable, Codable {
    case lf = "\n"
    case crlf = "\r\n"
    case cr = "\r"

    /// The ending of the document's first line break; LF when it has none.
    public static func detect(in text: String) -> LineEnding {
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" { return previousCR ? .crlf : .lf }
            if previousCR { return .cr }
            previousCR = scalar == "\r"
        }
        return previousCR ? .cr : .lf
    }

    /// `text` with every CRLF and lone CR turned into LF. Works on bytes: "\r\n" is one Character.
    public static func normalized(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var previousCR = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\r") {
                bytes.append(UInt8(ascii: "\n"))
                previousCR = true
                continue
            }
            if byte == UInt8(ascii: "\n"), previousCR { previousCR = false; continue }
            previousCR = false
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` (LF endings) with this ending.
    public func apply(to text: String) -> String {
        self == .lf ? text : text.replacingAll("\n", with: rawValue)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
