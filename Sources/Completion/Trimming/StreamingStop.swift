// Decides between tokens whether generation can stop: once the trimmer is sure to cut what comes
// next, every further token is wasted time.

/// Built once per request; `shouldStop` is called with the text decoded so far.
public struct StreamingStop: Sendable {
    public let context: TrimContext

    public init(context: TrimContext) {
        self.context = context
    }

    /// True when the trimmer would cut `generated` before its end whatever follows, so more tokens
    /// cannot change the result.
    public func shouldStop(generatedSoFar generated: String) -> Bool {
        let text = LineEnding.normalized(generated)
        if !Trim.cutAtStopStrings(text, context).elementsEqual(text) { return true }
        if context.isSingleLine, Trim.singleLine(text, context).count < text.count { return true }
        if Trim.existingBodyCut(text, context, streaming: true) != nil { return true }
        if Trim.indentationCut(text, context, streaming: true) != nil { return true }
        if Trim.repetitionCut(text, completeLinesOnly: true) != nil { return true }
        // A complete middle line equal to the suffix's first line of code.
        if let cut = Trim.suffixLineCut(text, context), text[cut...].contains("\n") { return true }
        return false
    }
}
