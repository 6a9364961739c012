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
        let opensBlock = !Text.isBlank(before) && Trim.opensBlock(before)
        // On a blank line a hole may span several levels: when the model ended the middle itself,
        // lines may come back down to the level of the code below it (a loop body, then the
        // statement after the loop), but not to the top level (column 0) unless the middle started
        // there. A middle cut off by a limit or a streaming stop, which rambles on more often than
        // not, ends at its first dedent. While streaming the outcome is not known yet, so only
        // lines below the wider limit stop generation.
        let floor: Int
        if Text.isBlank(before), streaming || (context.endedByModel && !context.truncated) {
            let below = context.nextCodeLine(tabSize: tabSize)?.width ?? 0
            floor = min(reference, below == 0 && reference > 0 ? 1 : below)
        } else {
            floor = reference
        }

        for (number, line) in lines.enumerated().dropFirst() where !Text.isBlank(line) {
            let isLast = number == lines.count - 1
            // While streaming, a last line still being written may not show its full indentation yet.
            if streaming, isLast, !line.contains(where: { !Text.isWhitespace($0) }) { return nil }
            if streaming, isLast, closerKeywords.contains(where: { $0.hasPrefix(line.trimmingWhitespace()) }) { return nil }
            let width = Text.indentWidth(line, tabSize: tabSize)
            let leaves = opensBlock ? width <= reference : width < floor
            guard leaves else { continue }
            if isBlockCloser(line) {
                // Keep the closer line; stop after it.
                return isLast ? nil : line.endIndex
            }
            return line.startIndex
        }
        return nil
    }

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
