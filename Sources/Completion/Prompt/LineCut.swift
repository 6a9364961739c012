// Cutting inside one line to a token budget, for the lines the prompt keeps whatever their length:
// the cursor line's text on either side of the cursor.

enum LineCut {
    /// The end of `line` (the cursor line's text left of the cursor, `bytesBefore` bytes of it already
    /// left out) within `budget` tokens; all of it when it fits. The cut is rounded up to a multiple
    /// of `step` bytes from the line's start, so typing at the cursor leaves the prompt's start where
    /// it is for `step` bytes, and it falls between characters.
    static func tail(of line: String, bytesBefore: Int, budget: Int, step: Int, vocabulary: any TokenVocabulary) -> String {
        let ids = vocabulary.encode(line)
        guard ids.count > budget || bytesBefore > 0 else { return line }
        // The text the left-out tokens stand for; a token that ends inside a character goes with it.
        // A character spans at most 4 tokens, so a few tries find a boundary; each decodes the text.
        var dropped: Int?
        for drop in max(0, ids.count - budget)..<min(ids.count, max(0, ids.count - budget) + Self.tries) {
            let head = vocabulary.decode(Array(ids[..<drop]))
            if line.utf8.starts(with: head.utf8) {
                dropped = head.utf8.count
                break
            }
        }
        guard let dropped else { return "" }
        let step = max(1, step)
        let fromLineStart = bytesBefore + dropped
        let rounded = fromLineStart / step * step + (fromLineStart % step == 0 ? 0 : step)
        let utf8 = line.utf8
        var cut = utf8.index(utf8.startIndex, offsetBy: min(utf8.count, rounded - bytesBefore))
        while cut < utf8.endIndex, utf8[cut] & 0xC0 == 0x80 { cut = utf8.index(after: cut) }
        return String(line[characterBoundary(atOrAfter: cut, in: line)...])
    }

    /// The head of `suffix` with its first line cut to `budget` tokens when that line alone passes
    /// the budget (then nothing after it is kept); `suffix` itself otherwise. `cutInFirstLine`: the
    /// suffix was already cut inside its first line (by bytes: it passes the budget).
    static func head(of suffix: String, cutInFirstLine: Bool, budget: Int, vocabulary: any TokenVocabulary) -> String {
        let lineEnd = suffix.utf8.firstIndex(of: UInt8(ascii: "\n"))
        // Counted with its "\n", as `LineSlicing.keepHead` counts it.
        let withBreak = lineEnd.map { suffix.utf8.index(after: $0) } ?? suffix.endIndex
        if !cutInFirstLine, vocabulary.encode(String(suffix[..<withBreak])).count <= budget {
            return suffix
        }
        let firstLine = suffix[..<(lineEnd ?? suffix.endIndex)]
        let ids = vocabulary.encode(String(firstLine))
        // The text of the first `keep` tokens; a token that ends inside a character is left out.
        var kept = 0
        for keep in stride(from: min(budget, ids.count), to: max(0, min(budget, ids.count) - Self.tries), by: -1) {
            let head = vocabulary.decode(Array(ids[..<keep]))
            if firstLine.utf8.starts(with: head.utf8) {
                kept = head.utf8.count
                break
            }
        }
        let line = String(firstLine)
        let cut = line.utf8.index(line.utf8.startIndex, offsetBy: kept)
        return String(line[..<characterBoundary(atOrBefore: cut, in: line)])
    }

    /// Cuts tried before giving up on finding one between characters.
    private static let tries = 8

    /// Characters are segmented again from this many scalars before a cut, which finds the boundaries
    /// that segmenting the whole line finds except inside longer clusters (long runs of combining
    /// marks, regional indicators), and costs nothing in proportion to the line.
    private static let lookBack = 64

    /// The first character boundary at or after `i` (a scalar boundary).
    static func characterBoundary(atOrAfter i: String.Index, in text: String) -> String.Index {
        let part = text[(text.unicodeScalars.index(i, offsetBy: -lookBack, limitedBy: text.startIndex) ?? text.startIndex)...]
        var k = part.startIndex
        while k < i { k = part.index(after: k) }
        return k
    }

    /// The last character boundary at or before `i` (a scalar boundary).
    static func characterBoundary(atOrBefore i: String.Index, in text: String) -> String.Index {
        let part = text[(text.unicodeScalars.index(i, offsetBy: -lookBack, limitedBy: text.startIndex) ?? text.startIndex)...]
        var boundary = part.startIndex
        var k = part.startIndex
        while k < part.endIndex {
            k = part.index(after: k)
            if k > i { break }
            boundary = k
        }
        return boundary
    }
}
