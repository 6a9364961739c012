// Cutting text at line boundaries within a token budget, measured line by line.

enum LineSlicing {
    /// Lines of `text`, each keeping its "\n" (the last one may lack it). Found in the UTF-8 bytes: a
    /// "\n" always ends a character, and walking characters costs ten times as much (whole files are
    /// cut on every prompt).
    static func lines(_ text: String) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        while let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = utf8.index(after: newline)
            result.append(text[start..<next])
            start = next
        }
        if start < utf8.endIndex { result.append(text[start...]) }
        return result
    }

    /// The tail of `prefix` that fits `budget` tokens: whole lines nearest the cursor, the cursor's own
    /// (partial) line always. The first kept line's index is rounded up to a multiple of `granularity`
    /// (unless everything fits), so the cut moves in steps and the prompt's start stays put.
    /// `linesBefore`: lines of the document before `prefix` (a window of it, `DocumentWindow`), which
    /// count for the rounding but cannot fit; the dropped lines returned are those of `prefix`.
    static func keepTail(
        of prefix: String, budget: Int, granularity: Int, linesBefore: Int = 0, count: (Substring) -> Int
    ) -> (text: Substring, droppedLines: Int) {
        let lines = lines(prefix)
        guard !lines.isEmpty else { return (prefix[...], 0) }
        // A prefix ending in "\n" has an empty cursor line after its last element.
        var used = 0
        var first = lines.count
        if prefix.hasSuffix("\n") == false {
            first = lines.count - 1
            used = count(lines[first])
        }
        while first > 0 {
            let cost = count(lines[first - 1])
            if used + cost > budget { break }
            used += cost
            first -= 1
        }
        if linesBefore + first > 0 {
            let rounded = ((linesBefore + first + granularity - 1) / granularity) * granularity - linesBefore
            let lastWhole = prefix.hasSuffix("\n") ? lines.count : lines.count - 1
            first = min(rounded, lastWhole)
        }
        guard first < lines.count else { return (prefix[prefix.endIndex...], lines.count) }
        return (prefix[lines[first].startIndex...], first)
    }

    /// The head of `suffix` that fits `budget` tokens: the rest of the cursor line always, then whole
    /// lines while they fit.
    static func keepHead(of suffix: String, budget: Int, count: (Substring) -> Int) -> Substring {
        let lines = lines(suffix)
        guard let firstLine = lines.first else { return suffix[...] }
        var used = count(firstLine)
        var end = 1
        while end < lines.count {
            let cost = count(lines[end])
            if used + cost > budget { break }
            used += cost
            end += 1
        }
        return suffix[suffix.startIndex..<lines[end - 1].endIndex]
    }

    /// The head of `suffix` that leaves exactly `linesAfter` of its lines out, nil when that would
    /// leave out the cursor line (the first) too.
    static func head(of suffix: String, leavingOut linesAfter: Int) -> Substring? {
        let lines = lines(suffix)
        guard linesAfter >= 0, linesAfter < lines.count else { return nil }
        return suffix[suffix.startIndex..<lines[lines.count - linesAfter - 1].endIndex]
    }

    /// How many lines of `text` follow `head` (a head of `text`), as `lines` would count them: its line
    /// breaks, and a last line without one. Counted in the bytes: it runs on every prompt, over the
    /// rest of the file.
    static func linesAfter(_ head: Substring, in text: String) -> Int {
        let newline = UInt8(ascii: "\n")
        let rest = text.utf8[head.endIndex...]
        let breaks = rest.reduce(0) { $0 + ($1 == newline ? 1 : 0) }
        let endsWithoutBreak = rest.last.map { $0 != newline } ?? false
        return breaks + (endsWithoutBreak ? 1 : 0)
    }

    /// The head of `text` that fits `budget` tokens, whole lines only.
    static func keepWholeLines(of text: String, budget: Int, count: (Substring) -> Int) -> Substring {
        var used = 0
        var end = text.startIndex
        for line in lines(text) {
            let cost = count(line)
            if used + cost > budget { break }
            used += cost
            end = line.endIndex
        }
        return text[text.startIndex..<end]
    }
}
