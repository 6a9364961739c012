extension Trim {
    /// Inside a block (code continues below at the cursor's level) a middle of several lines is kept
    /// only when the model ended it itself or when it reached the code below (a middle line equal to
    /// the suffix's first line of code); otherwise its first line is kept. A model that wrote past
    /// where the hole closes without ending (small models rarely emit the end token) is guessing past
    /// the hole: its later lines duplicate or contradict the code below. Only the auto policy; at an
    /// open end (an empty block, the end of a block or of the file) multi-line middles stand.
    public static func unprovenLines(_ middle: String, _ context: TrimContext) -> String {
        guard let cut = unprovenLinesCut(middle, context) else { return middle }
        return String(middle[..<cut])
    }

    /// Where `unprovenLines` cuts: the line break after the first line with text.
    static func unprovenLinesCut(_ middle: String, _ context: TrimContext) -> String.Index? {
        guard context.policy == .auto, !context.endedByModel || context.truncated, context.blockPosition(forMiddle: middle) == .insideBlock,
              suffixLineCut(middle, context, firstOnly: true) == nil
        else { return nil }
        var sawText = false
        for index in middle.indices {
            let c = middle[index]
            if c == "\n", sawText { return index }
            if !Text.isWhitespace(c) { sawText = true }
        }
        return nil
    }
}
