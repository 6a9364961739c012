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

    /// Where `unprovenLines` cuts: the line break after the first line with code. Comment lines
    /// before it stay with it: a comment alone says what the line would do without doing it.
    static func unprovenLinesCut(_ middle: String, _ context: TrimContext) -> String.Index? {
        guard context.policy == .auto, !context.endedByModel || context.truncated, context.blockPosition(forMiddle: middle) == .insideBlock,
              suffixLineCut(middle, context, firstOnly: true) == nil
        else { return nil }
        var lineStart = middle.startIndex
        for index in middle.indices where middle[index] == "\n" {
            let line = middle[lineStart..<index]
            if !Text.isBlank(line), !Text.isComment(line) || lineStart == middle.startIndex && !Text.isBlank(context.lineBeforeCursor) {
                return index
            }
            lineStart = middle.index(after: index)
        }
        return nil
    }
}
