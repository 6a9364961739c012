extension Trim {
    /// Converts the middle's line breaks to the document's (CRLF files stay CRLF; the model writes LF).
    public static func lineEndings(_ middle: String, _ context: TrimContext) -> String {
        context.lineEnding.apply(to: LineEnding.normalized(middle))
    }
}
