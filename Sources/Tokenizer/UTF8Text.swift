/// UTF-8 helpers for the encoder (input comes from Swift strings, so it is valid UTF-8).
enum UTF8Text {
    /// Length of the sequence a lead byte starts (1 for continuation bytes, like llama.cpp).
    @inline(__always)
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    /// Decodes `bytes` into code points, the byte offset where each starts (plus a final entry
    /// for the end) and their classes.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, codePoints: inout [UInt32], offsets: inout [Int32],
                       classes: inout [UInt8]) {
        codePoints.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            var cp = UInt32(b)
            var length = 1
            if b >= 0x80 {
                length = min(sequenceLength(b), n - i)
                switch length {
                case 2: cp = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                case 3: cp = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                case 4:
                    cp = UInt32(b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                        | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                default: cp = 0xFFFD
                }
            }
            codePoints.append(cp)
            offsets.append(Int32(i))
            classes.append(CodePointClass.of(cp).rawValue)
            i += length
        }
        offsets.append(Int32(n))
    }

    /// How many bytes at the end of `bytes` form an incomplete (but so far valid) UTF-8 sequence
    /// that more bytes could complete.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        var back = 0
        var i = bytes.count - 1
        while i >= 0, back < 3, bytes[i] & 0xC0 == 0x80 {
            back += 1
            i -= 1
        }
        guard i >= 0 else { return 0 }
        let lead = bytes[i]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return 0
        }
        let have = back + 1
        return have < needed ? have : 0
    }
}
