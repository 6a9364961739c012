extension Trim {
    /// Keeps one line when the completion must stay on the cursor's line: with real code right of the
    /// cursor the middle ends at its first line break (breaking the user's line would push that code
    /// down); with the single-line policy it ends at the first line break after non-blank text, so a
    /// completion may still start the next line. (At the start of a line of code the middle inserts
    /// lines above it; see `lineInsertion`.)
    /// A middle the model ended itself in a request that follows the model (`keepsModelShape`) may
    /// span lines and end inside the cursor's line, joining the code right of it, unless it breaks
    /// that line (`breaksLineOnTheRight`).
    public static func singleLine(_ middle: String, _ context: TrimContext) -> String {
        if context.keepsModelShape, !breaksLineOnTheRight(middle, context) { return middle }
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

    /// Characters that cannot start a line of code: a middle of several lines that leaves the code
    /// right of the cursor on a line of its own, starting with one of them, broke that line
    /// (`if x > 0\n    y = 1\n` before `: pass`).
    static let continuationStarts: Set<Character> = [":", ",", ";", "=", ")", "]", "}", "+", "*", "/", "%", "&", "|", "^", "<", ">", "?"]

    /// Whether the middle ends with a line break (and indentation) in front of code right of the
    /// cursor that cannot start a line.
    static func breaksLineOnTheRight(_ middle: String, _ context: TrimContext) -> Bool {
        guard let newline = middle.lastIndex(of: "\n"), Text.isBlank(middle[newline...]),
              let first = context.lineAfterCursor.first(where: { !Text.isWhitespace($0) })
        else { return false }
        return continuationStarts.contains(first)
    }
}
