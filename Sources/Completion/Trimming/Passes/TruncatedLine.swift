extension Trim {
    /// Drops the last line of a multi-line middle when generation hit the token limit: that line
    /// stopped wherever the limit fell (`x = compute(a,`), and half a statement is worse than none.
    /// A single line is kept; the user sees it is partial and may accept it anyway.
    public static func truncatedLine(_ middle: String, _ context: TrimContext) -> String {
        guard context.truncated, let newline = middle.lastIndex(of: "\n") else { return middle }
        let kept = middle[..<newline]
        guard kept.contains(where: { !Text.isWhitespace($0) }) else { return middle }
        return String(kept)
    }
}
