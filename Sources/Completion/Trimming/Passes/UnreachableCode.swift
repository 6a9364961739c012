extension Trim {
    /// Drops a last line that jumps out (`return`, `break`, `continue`, `raise`, `throw`) when code
    /// follows it at its level or deeper: that code would become unreachable, so the line is wrong
    /// wherever the model meant to be. `else`, `except`, `case` and the like, closers and comments
    /// below are fine. Small models end a hole in the middle of a function with the function's
    /// `return` on most requests; when nothing else is left the server asks the model again without
    /// that first word.
    public static func unreachableCode(_ middle: String, _ context: TrimContext) -> String {
        let lines = Text.lines(middle)
        guard let lastIndex = lines.lastIndex(where: { !Text.isBlank($0) }) else { return middle }
        let last = lines[lastIndex]
        let full = lastIndex == 0 ? String(context.lineBeforeCursor) + last : String(last)
        let tabSize = context.indentStyle?.tabSize ?? 4
        guard startsWithKeyword(full, jumpKeywords),
              let next = context.nextCodeLine(tabSize: tabSize),
              next.width >= Text.indentWidth(full, tabSize: tabSize),
              !startsWithKeyword(next.text, continuationKeywords),
              !Text.isComment(next.text),
              !next.text.trimmingWhitespace().hasPrefix("}"), !next.text.trimmingWhitespace().hasPrefix(")"),
              !next.text.trimmingWhitespace().hasPrefix("]")
        else { return middle }
        return String(middle[..<last.startIndex])
    }

    static let jumpKeywords = ["return", "break", "continue", "raise", "throw"]
    static let continuationKeywords = ["else", "elif", "except", "finally", "catch", "case", "default", "end",
                                       "elsif", "elseif", "when", "rescue", "ensure"]

    /// Whether the line's code starts with one of `keywords` as a whole word.
    static func startsWithKeyword<S: StringProtocol>(_ line: S, _ keywords: [String]) -> Bool {
        let code = line.trimmingWhitespace()
        return keywords.contains { keyword in
            guard code.hasPrefix(keyword) else { return false }
            guard let after = code.dropFirst(keyword.count).first else { return true }
            return !Text.isIdentifier(after)
        }
    }
}
