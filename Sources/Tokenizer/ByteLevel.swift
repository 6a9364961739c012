/// GPT-2's reversible byte <-> printable-character map: byte-level BPE vocabularies store every
/// token as these characters (a space byte is "Ġ", a newline "Ċ").
enum ByteLevel {
    /// The code point standing for each byte.
    static let codePointForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// UTF-8 of the character standing for each byte.
    static let utf8ForByte: [[UInt8]] = codePointForByte.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// Inverse map, indexed by code point (< 324); -1 where a code point stands for no byte.
    static let byteForCodePoint: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, cp) in codePointForByte.enumerated() { table[Int(cp)] = Int16(b) }
        return table
    }()

    /// Decodes a stored byte-level token text to the bytes it stands for, appending to `out`.
    /// Characters outside the map (seen only in malformed vocabularies) are kept as their UTF-8.
    static func decode(_ text: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var i = text.startIndex
        while i < text.endIndex {
            let b = text[i]
            var cp = -1
            var length = 1
            if b < 0x80 {
                cp = Int(b)
            } else if b & 0xE0 == 0xC0, i + 1 < text.endIndex {
                cp = Int(b & 0x1F) << 6 | Int(text[i + 1] & 0x3F)
                length = 2
            } else {
                length = b & 0xF0 == 0xE0 ? 3 : (b & 0xF8 == 0xF0 ? 4 : 1)
            }
            if cp >= 0, cp < byteForCodePoint.count, byteForCodePoint[cp] >= 0 {
                out.append(UInt8(byteForCodePoint[cp]))
            } else {
                out.append(contentsOf: text[i..<min(i + length, text.endIndex)])
            }
            i += length
        }
    }
}
