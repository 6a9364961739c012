extension Trim {
    /// At the start of a line of code (only whitespace left of the cursor) the middle is inserted as
    /// whole lines above that code: it ends with a line break and the cursor line's indentation, so
    /// the code right of the cursor stays on its own line where it was. Not when the model ended a
    /// middle of a request that follows it (`keepsModelShape`): a last line with text completes the
    /// code on the right (`  retur` before `n sorted(l)`), and a last line of blanks is the
    /// indentation the model gives that code (the cursor may sit inside the indentation).
    public static func lineInsertion(_ middle: String, _ context: TrimContext) -> String {
        guard context.insertsLinesAbove, !Text.isBlank(middle) else { return middle }
        if context.keepsModelShape { return middle }
        return String(middle.trimmingTrailingWhitespace()) + "\n" + context.lineBeforeCursor
    }
}
