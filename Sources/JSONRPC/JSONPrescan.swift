/// One linear pass over JSON text before jsoncpp sees it, for two things jsoncpp cannot be told:
/// - a bound on the number of values: jsoncpp builds the whole tree first, at about 40 bytes a
///   value, so `[0,0,0,…]` would cost 20× its size before anything could refuse it;
/// - lone UTF-16 surrogate escapes (`"\ud83d"` without its pair), which jsoncpp rejects, losing the
///   whole message. They become `\ufffd`, the same length in the text and one UTF-16 unit in the
///   document like the surrogate, so positions after it stay in step with a UTF-16 editor.
struct JSONPrescan {
    /// An upper bound on the values in the text (separators and openers outside strings, plus one).
    private(set) var valueCount = 1
    /// Offsets of lone surrogate escapes (the backslash).
    private(set) var loneSurrogates: [Int] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var i = 0
        var inString = false
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if inString {
                if b == UInt8(ascii: "\"") {
                    inString = false
                } else if b == UInt8(ascii: "\\") {
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "u"), let unit = Self.hex4(bytes, i + 2) {
                        if (0xD800..<0xDC00).contains(unit) {
                            // A high surrogate needs a low one right after it.
                            if i + 7 < n, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                               let next = Self.hex4(bytes, i + 8), (0xDC00..<0xE000).contains(next) {
                                i += 12
                                continue
                            }
                            loneSurrogates.append(i)
                        } else if (0xDC00..<0xE000).contains(unit) {
                            loneSurrogates.append(i)
                        }
                        i += 6
                        continue
                    }
                    i += 2
                    continue
                }
            } else {
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "{"): valueCount += 1
                default: break
                }
            }
            i += 1
        }
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int? {
        guard at + 4 <= bytes.count else { return nil }
        var value = 0
        for k in at..<(at + 4) {
            let c = bytes[k]
            let digit: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(c - 55)
            default: return nil
            }
            value = value * 16 + digit
        }
        return value
    }

    static let replacement = Array("\\ufffd".utf8)
}
