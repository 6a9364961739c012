// Where the cursor sits among the lines of its block: it decides how much a multi-line middle has to
// prove before the trimmer believes it.

/// The place a middle goes in the code around the cursor, judged against the next line of code below.
public enum BlockPosition: Sendable, Equatable {
    /// Nothing follows, the block the cursor opens is still empty, or the code below is dedented
    /// (the middle ends a block): new lines are what the user is writing.
    case openEnd
    /// Code continues below at the cursor's level or deeper: a multi-line middle is squeezed between
    /// existing lines.
    case insideBlock
}

extension TrimContext {
    /// Where `middle` goes. With code left of the cursor its line is the anchor: an opener whose
    /// block is still empty, or code below that is dedented, leaves an open end. On a blank line the
    /// middle's first line of text sets the level of what it inserts: code below at that level or
    /// deeper means the middle is squeezed in.
    public func blockPosition(forMiddle middle: String) -> BlockPosition {
        let tabSize = indentStyle?.tabSize ?? 4
        guard let next = nextCodeLine(tabSize: tabSize) else { return .openEnd }
        if !Text.isBlank(lineBeforeCursor) {
            let width = Text.indentWidth(lineBeforeCursor, tabSize: tabSize)
            if Trim.opensBlock(lineBeforeCursor), next.width <= width { return .openEnd }
            return next.width < width ? .openEnd : .insideBlock
        }
        let lines = Text.lines(middle)
        guard let first = lines.firstIndex(where: { !Text.isBlank($0) }) else { return .openEnd }
        // The middle's first line continues the cursor's line.
        let text = first == 0 ? String(lineBeforeCursor) + lines[0] : String(lines[first])
        let level = Text.indentWidth(text, tabSize: tabSize)
        return next.width >= level ? .insideBlock : .openEnd
    }

    /// The next non-blank line after the cursor with its indentation: the cursor line's own code when
    /// only whitespace is left of the cursor, else the lines after the cursor's line.
    func nextCodeLine(tabSize: Int) -> (text: Substring, width: Int)? {
        if Text.isBlank(lineBeforeCursor), !Text.isBlank(lineAfterCursor) {
            return (lineAfterCursor, Text.indentWidth(String(lineBeforeCursor) + lineAfterCursor, tabSize: tabSize))
        }
        guard let newline = suffix.firstIndex(of: "\n") else { return nil }
        var start = suffix.index(after: newline)
        while start < suffix.endIndex {
            let end = suffix[start...].firstIndex(of: "\n") ?? suffix.endIndex
            let line = suffix[start..<end]
            if !Text.isBlank(line) { return (line, Text.indentWidth(line, tabSize: tabSize)) }
            start = end < suffix.endIndex ? suffix.index(after: end) : end
        }
        return nil
    }
}
