extension Trim {
    /// Keeps one line when the completion must stay on the cursor's line: with real code right of the
    /// cursor the middle ends at its first line break (breaking the user's line would push that code
    /// down); with the single-line policy it ends at the first line break after non-blank text, so a
    /// completion may still start the next line. (At the start of a line of code the middle inserts
    /// lines above it; see `lineInsertion`.)
    public static func singleLine(_ middle: String, _ context: TrimContext) -> String {
        if context.hasCodeRightOfCursor, !context.insertsLinesAbove {
            guard let newline = middle.firstIndex(of: "\n") else { return middle }
            return String(middle[..<newline])
        }
        guard context.policy == .singleLine else { return middle }
        var sawText = false
        for index in middle.indices {
            let c = middle[index]
            if c == "\n", sawText { return String(middle[..<index]) }
            if !Text.isWhitespace(c) { sawText = true }
        }
        return middle
    }
}
