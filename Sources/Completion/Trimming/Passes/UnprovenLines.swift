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
                let fullLine = lineStart == middle.startIndex ? String(context.lineBeforeCursor) + line : String(line)
                return bodyEnd(ofHeader: fullLine, endingAt: index, in: middle, context) ?? index
            }
            lineStart = middle.index(after: index)
        }
        return nil
    }

    /// When the kept line opens an indented block (`if x:`) whose body is not the code below (that
    /// sits at the header's level or shallower), the header alone is a syntax error: its body lines
    /// in the middle (deeper than the header, up to the first line back at its level) come with it,
    /// so the first statement is kept whole. Nil when the middle has no body line. (A last line
    /// without its line break counts: a partial one was already dropped by `truncatedLine`.)
    static func bodyEnd(ofHeader header: String, endingAt headerEnd: String.Index, in middle: String,
                        _ context: TrimContext) -> String.Index? {
        let tabSize = context.indentStyle?.tabSize ?? 4
        let level = Text.indentWidth(header, tabSize: tabSize)
        guard opensIndentedBlock(header), let next = context.nextCodeLine(tabSize: tabSize), next.width <= level
        else { return nil }
        var end: String.Index?
        var lineStart = middle.index(after: headerEnd)
        while lineStart < middle.endIndex {
            let lineEnd = middle[lineStart...].firstIndex(of: "\n") ?? middle.endIndex
            let line = middle[lineStart..<lineEnd]
            if !Text.isBlank(line) {
                guard Text.indentWidth(line, tabSize: tabSize) > level else { break }
                end = lineEnd
            }
            lineStart = lineEnd < middle.endIndex ? middle.index(after: lineEnd) : lineEnd
        }
        return end
    }
}
