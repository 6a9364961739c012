extension Trim {
    /// At the start of a line of code (only whitespace left of the cursor) the middle is inserted as
    /// whole lines above that code: it ends with a line break and the cursor line's indentation, so
    /// the code right of the cursor stays on its own line where it was.
    public static func lineInsertion(_ middle: String, _ context: TrimContext) -> String {
        guard context.insertsLinesAbove, !Text.isBlank(middle) else { return middle }
        return String(middle.trimmingTrailingWhitespace()) + "\n" + context.lineBeforeCursor
    }
}
