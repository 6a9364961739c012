// Decides between tokens whether generation can stop: once the trimmer is sure to cut what comes
// next, every further token is wasted time.

/// Built once per request; `shouldStop` is called with the text decoded so far.
public struct StreamingStop: Sendable {
    public let context: TrimContext

    public init(context: TrimContext) {
        self.context = context
    }

    /// Complete lines after which a middle inside a block that has not ended is given up on (its
    /// first line is kept): multi-line holes in real code are rarely longer.
    static let unprovenLineCap = 12

    /// True when the trimmer would cut `generated` before its end whatever follows, so more tokens
    /// cannot change the result.
    public func shouldStop(generatedSoFar generated: String) -> Bool {
        let text = LineEnding.normalized(generated)
        if !Trim.cutAtStopStrings(text, context).elementsEqual(text) { return true }
        if context.isSingleLine, Trim.singleLine(text, context).count < text.count { return true }
        if Trim.existingBodyCut(text, context, streaming: true) != nil { return true }
        if Trim.indentationCut(text, context, streaming: true) != nil { return true }
        if Trim.repetitionCut(text, context, completeLinesOnly: true) != nil { return true }
        // A complete middle line equal to the suffix's first line of code, once the line after it
        // shows it is not another branch (`elif`) of the middle's own.
        if let cut = Trim.suffixLineCut(text, context), Self.completeLines(after: cut, in: text) >= 2 { return true }
        // Inside a block, lines past the first stand only if the model ends them soon by itself.
        if Text.lines(text).count > Self.unprovenLineCap,
           Trim.unprovenLinesCut(text, context.assumingUnended) != nil { return true }
        return false
    }
}

extension StreamingStop {
    /// Complete lines of code (blank ones not counted) from `index` on.
    static func completeLines(after index: String.Index, in text: String) -> Int {
        Text.lines(String(text[index...])).dropLast().filter { !Text.isBlank($0) }.count
    }
}

extension TrimContext {
    /// The context as it will be if generation stops now (not by the model's end token).
    var assumingUnended: TrimContext {
        var context = self
        context.endedByModel = false
        return context
    }
}
