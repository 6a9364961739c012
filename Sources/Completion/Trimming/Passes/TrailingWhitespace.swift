extension Trim {
    /// Removes spaces and tabs at the ends of lines, and, when the cursor's line has nothing (or only
    /// whitespace) after the cursor, trailing blank lines too: the suffix already holds the line
    /// break, so keeping them would leave an empty line or stray spaces behind the completion.
    /// With text right of the cursor the middle's end is left alone (the space before that text, or
    /// the indentation of a line the middle inserts above it, is wanted).
    public static func trailingWhitespace(_ middle: String, _ context: TrimContext) -> String {
        let lines = Text.lines(middle)
        var result = lines.enumerated().map { number, line in
            number == lines.count - 1 ? String(line) : String(line.trimmingTrailingWhitespace())
        }.joined(separator: "\n")
        if Text.isBlank(context.lineAfterCursor) {
            result = String(result.trimmingTrailingWhitespace())
        }
        return result
    }
}
