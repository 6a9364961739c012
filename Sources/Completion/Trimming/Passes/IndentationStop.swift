extension Trim {
    /// Ends a multi-line middle at the first line that leaves the cursor's block: a line indented less
    /// than the cursor's line (or, when the cursor's line opens a block with `:` `{` `(` `[`, a line
    /// not indented deeper than it; on a blank line, less than the middle's own first line). A dedented line made only of closers (`}`, `)`, `end`) is kept as
    /// the block's end, and the middle stops after it. Without this the model writes the next
    /// function too.
    public static func indentationStop(_ middle: String, _ context: TrimContext) -> String {
        guard let cut = indentationCut(middle, context) else { return middle }
        return String(middle[..<cut])
    }

    /// Where `indentationStop` cuts, if it does. `streaming` waits until the deciding line shows text.
    static func indentationCut(_ middle: String, _ context: TrimContext, streaming: Bool = false) -> String.Index? {
        let tabSize = context.indentStyle?.tabSize ?? 4
        let before = context.lineBeforeCursor
        let lines = Text.lines(middle)
        guard lines.count > 1 else { return nil }
        // On a blank line the middle's first line sets the block's level (the cursor may sit at
        // column 0 of a line whose code the model indents itself).
        let reference = Text.isBlank(before) && !Text.isBlank(lines[0])
            ? Text.indentWidth(String(before) + lines[0], tabSize: tabSize)
            : Text.indentWidth(before, tabSize: tabSize)
        // A middle the model ended itself after code on the cursor's line, in a request that follows
        // the model, may span levels as one on a blank line does (the rest of a loop body, then the
        // function's `return`); while streaming that is not known yet, so the wider limit applies.
        let spansLevels = Text.isBlank(before) || context.followsModel && context.policy != .singleLine
            && (streaming || context.keepsModelShape)
        let opensBlock = !Text.isBlank(before) && Trim.opensBlock(before) && !spansLevels
        let floor = spansLevels
            ? blankLineFloor(lines, reference: reference, context, streaming: streaming, tabSize: tabSize)
            : reference

        for (number, line) in lines.enumerated().dropFirst() where !Text.isBlank(line) {
            let isLast = number == lines.count - 1
            // While streaming, a last line still being written may not show its full indentation yet.
            if streaming, isLast, !line.contains(where: { !Text.isWhitespace($0) }) { return nil }
            if streaming, isLast, closerKeywords.contains(where: { $0.hasPrefix(line.trimmingWhitespace()) }) { return nil }
            let width = Text.indentWidth(line, tabSize: tabSize)
            let leaves = opensBlock ? width <= reference : width < floor
            guard leaves else { continue }
            // While streaming, a dedented line decides once it is complete, and a dedented header may
            // be the one whose body is the code below.
            if streaming, !opensBlock, width >= Self.topLevelFloor(reference) {
                if isLast { return nil }
                if Trim.opensBlock(line) { continue }
            }
            if isBlockCloser(line) {
                // Keep the closer line; stop after it.
                return isLast ? nil : line.endIndex
            }
            return line.startIndex
        }
        return nil
    }

    /// The indentation below which a middle on a blank line leaves the hole. A hole may span levels:
    /// when the model ended the middle itself, lines may come back down to the level of the code below
    /// it (a loop body, then the statement after the loop), and anywhere above column 0 when its last
    /// line opens the block the code below is the body of (the code sits deeper than that header);
    /// never to column 0 unless it started there.
    /// With nothing but top-level code below (or the end of the file) that is the only limit. A middle
    /// cut off by a limit or a streaming stop, which rambles on more often than not, otherwise ends at
    /// its first dedent. While streaming the outcome is not known yet, so the wider limit applies.
    static func blankLineFloor(_ lines: [Substring], reference: Int, _ context: TrimContext, streaming: Bool,
                               tabSize: Int) -> Int {
        let below = context.nextCodeLine(tabSize: tabSize)?.width ?? 0
        let topLevel = topLevelFloor(reference)
        guard below > 0 else { return topLevel }
        // Code below deeper than the middle's first line is the body of a header the middle has yet
        // to write, often after dips to outer levels (`return []` under an `if`, then the loop whose
        // body is below): while streaming that cannot be ruled out, so only column 0 stops it.
        if streaming, below > reference { return topLevel }
        guard streaming || (context.endedByModel && !context.truncated) else { return reference }
        // A middle that ends with a header whose body is the code below bridged the hole by its
        // structure: its dips to outer levels on the way (`elif`, the next loop) are part of it.
        // The middle's last line goes on with the rest of the cursor's line (`    if n` + ` > 1:`).
        if !streaming, let index = lines.lastIndex(where: { !Text.isBlank($0) }) {
            let last = index == lines.count - 1 ? String(lines[index]) + context.lineAfterCursor : String(lines[index])
            if Trim.opensBlock(last), Text.indentWidth(last, tabSize: tabSize) < below { return topLevel }
        }
        return max(min(reference, below), topLevel)
    }

    /// Column 0 ends a middle that started indented; one that started at column 0 has no floor.
    static func topLevelFloor(_ reference: Int) -> Int { reference > 0 ? 1 : 0 }

    static let closerKeywords = ["end", "fi", "done", "esac", "endif", "endfunction"]

    /// A line holding only closing brackets (with `;` `,`) or a block-ending keyword.
    static func isBlockCloser(_ line: Substring) -> Bool {
        let body = line.trimmingWhitespace()
        if closerKeywords.contains(body) || closerKeywords.contains(where: { body.hasPrefix($0) && Text.isBlank(body.dropFirst($0.count).filter { $0 != ")" && $0 != "," && $0 != ";" }) }) {
            return true
        }
        return !body.isEmpty && body.allSatisfy { Text.closers.contains($0) || $0 == ";" || $0 == "," }
    }
}

extension StringProtocol {
    func trimmingTrailingWhitespace() -> SubSequence {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard Text.isWhitespace(self[previous]) else { break }
            end = previous
        }
        return self[startIndex..<end]
    }

    func trimmingWhitespace() -> String {
        let trailingTrimmed = trimmingTrailingWhitespace()
        return String(trailingTrimmed.drop(while: { Text.isWhitespace($0) }))
    }
}
