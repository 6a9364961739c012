// Decides between tokens whether generation can stop: once the trimmer is sure to cut what comes
// next, every further token is wasted time.

/// Built once per request; `shouldStop` is called with the text decoded so far.
public struct StreamingStop: Sendable {
    public let context: TrimContext
    /// The suffix's first non-blank line below the cursor, without whitespace: a middle line equal
    /// to it means the model has reached text the document already has.
    private let suffixFirstLine: String?

    public init(context: TrimContext) {
        self.context = context
        let below = Text.lines(context.suffix).dropFirst()
        let first = below.first(where: { !Text.isBlank($0) }).map { Text.squeezed($0) }
        suffixFirstLine = first.flatMap { line in line.contains(where: { $0.isLetter || $0.isNumber }) ? line : nil }
    }

    /// True when the trimmer would cut `generated` before its end whatever follows, so more tokens
    /// cannot change the result.
    public func shouldStop(generatedSoFar generated: String) -> Bool {
        let text = LineEnding.normalized(generated)
        if !Trim.cutAtStopStrings(text, context).elementsEqual(text) { return true }
        if context.isSingleLine || context.policy == .singleLine {
            if Trim.singleLine(text, context).count < text.count { return true }
        }
        if Trim.indentationCut(text, context, streaming: true) != nil { return true }
        if Trim.repetitionCut(text, completeLinesOnly: true) != nil { return true }
        if let suffixFirstLine {
            // Complete lines after the first (the first continues the cursor's line).
            let lines = Text.lines(text).dropLast().dropFirst()
            if lines.contains(where: { Text.squeezed($0) == suffixFirstLine }) { return true }
        }
        return false
    }
}
