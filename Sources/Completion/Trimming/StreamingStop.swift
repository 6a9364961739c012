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
        if context.isSingleLine, Trim.singleLine(text, context.assumingUnended).count < text.count {
            // A request that follows the model waits for it to end the middle itself (then it is
            // kept whole), up to as many lines as a middle inside a block gets.
            if !context.followsModel || context.policy == .singleLine || Text.lines(text).count > Self.unprovenLineCap { return true }
        }
        if Trim.existingBodyCut(text, context, streaming: true) != nil { return true }
        if Trim.indentationCut(text, context, streaming: true) != nil { return true }
        if Trim.repetitionCut(text, context, completeLinesOnly: true) != nil { return true }
        // A complete middle line equal to the suffix's first line of code, once the line after it
        // shows it is not another branch (`elif`) of the middle's own.
        if let cut = Trim.suffixLineCut(text, context), Self.completeLines(after: cut, in: text) >= 2,
           !Self.leavesTheCodeBelow(after: cut, in: text, context) { return true }
        // Inside a block, lines past the first stand only if the model ends them soon by itself.
        if Text.lines(text).count > Self.unprovenLineCap,
           Trim.unprovenLinesCut(text, context.assumingUnended) != nil { return true }
        return false
    }
}

extension StreamingStop {
    /// Whether the middle, after the line at `cut` that reads like the code below, goes out to an
    /// outer level with a line that code does not have next: it is not copying the code below but
    /// bridging the hole with a structure of its own, which may end with a header over that code
    /// (then the line at `cut` is a statement of its own). The final trimming decides.
    static func leavesTheCodeBelow(after cut: String.Index, in text: String, _ context: TrimContext) -> Bool {
        let tabSize = context.indentStyle?.tabSize ?? 4
        let lines = Text.lines(String(text[cut...])).dropLast().filter { !Text.isBlank($0) }
        guard lines.count >= 2,
              Text.indentWidth(lines[1], tabSize: tabSize) < Text.indentWidth(lines[0], tabSize: tabSize)
        else { return false }
        let below = Text.firstNonBlankLines(context.suffix, count: 2)
        return below.count < 2 || Text.squeezed(lines[1]) != Text.squeezed(below[1])
    }

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
