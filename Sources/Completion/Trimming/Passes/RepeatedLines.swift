extension Trim {
    /// Cuts a generation loop: a block of 1 to 8 lines immediately repeated (a single line three
    /// times in a row, a longer block twice) keeps its first copy only. Small models that never emit
    /// an end token otherwise fill the token limit with copies of the same lines. Blocks without a
    /// letter or digit (`}` `}` of nested scopes) are not loops.
    public static func cutRepeatedLines(_ middle: String, _ context: TrimContext) -> String {
        guard let cut = repetitionCut(middle, context, completeLinesOnly: false) else { return middle }
        var kept = String(middle[..<cut])
        if kept.hasSuffix("\n") { kept.removeLast() }
        return kept
    }

    /// Start of the first repeated copy, if any.
    static func repetitionCut(_ middle: String, _ context: TrimContext, completeLinesOnly: Bool) -> String.Index? {
        var lines = Text.lines(middle)
        if completeLinesOnly { lines.removeLast() }  // the last line may still be growing
        // Indentation counts: the same lines one level out (`else: return False` of an outer `if`)
        // are code, not a loop.
        // The first line continues the cursor's line.
        let keys = lines.enumerated().map { number, line in
            (number == 0 ? String(context.lineBeforeCursor) : "") + line.trimmingTrailingWhitespace()
        }
        var best: Int? = nil
        for period in 1...8 {
            let copies = period == 1 ? 3 : 2
            guard keys.count >= period * copies else { break }
            for start in 0...(keys.count - period * copies) {
                if let found = best, start + period >= found { break }
                let block = keys[start..<(start + period)]
                guard block.contains(where: { $0.contains(where: { $0.isLetter || $0.isNumber }) }) else { continue }
                let repeated = (1..<copies).allSatisfy { copy in
                    keys[(start + copy * period)..<(start + (copy + 1) * period)].elementsEqual(block)
                }
                if repeated { best = start + period; break }
            }
        }
        guard let line = best else { return nil }
        return lines[line].startIndex
    }
}
