extension Trim {
    /// On a blank line, a middle whose first line sits deeper than the line of code above it, when
    /// that line neither opens a block nor continues onto the next line (it ends a statement: a
    /// name, a number, a closing bracket or quote), moves left to that line's level: deeper would be
    /// an IndentationError in Python and misleading anywhere else. Lines nested under a header
    /// (`if x:` in C without braces) are left alone, and so is a middle whose lines are not all
    /// indented with spaces by at least that much.
    public static func unexpectedIndent(_ middle: String, _ context: TrimContext) -> String {
        guard Text.isBlank(context.lineBeforeCursor),
              let above = lastCodeLineAbove(context), endsAStatement(above),
              !startsWithKeyword(above, braceLessHeaders)
        else { return middle }
        let tabSize = context.indentStyle?.tabSize ?? 4
        let lines = Text.lines(middle)
        guard let first = lines.first(where: { !Text.isBlank($0) }) else { return middle }
        let excess = Text.indentWidth(String(context.lineBeforeCursor) + first, tabSize: tabSize)
            - Text.indentWidth(above, tabSize: tabSize)
        guard excess > 0, lines.allSatisfy({ Text.isBlank($0) || $0.prefix(excess).allSatisfy { $0 == " " } })
        else { return middle }
        return lines.map { Text.isBlank($0) ? $0 : $0.dropFirst(excess) }.joined(separator: "\n")
    }

    /// The last non-blank line before the cursor's line, comments included (they are indented as code).
    static func lastCodeLineAbove(_ context: TrimContext) -> Substring? {
        var end = context.prefix.endIndex
        if let newline = context.prefix[..<end].lastIndex(of: "\n") { end = newline } else { return nil }
        while true {
            let start = context.prefix[..<end].lastIndex(of: "\n").map { context.prefix.index(after: $0) } ?? context.prefix.startIndex
            let line = context.prefix[start..<end]
            if !Text.isBlank(line) { return line }
            guard start > context.prefix.startIndex else { return nil }
            end = context.prefix.index(before: start)
        }
    }

    /// A line that ends a statement: its last character is part of a name or number, a closing
    /// bracket or a quote (not an operator, a comma, a backslash or an opener).
    static func endsAStatement(_ line: Substring) -> Bool {
        guard let last = line.trimmingTrailingWhitespace().last, !Text.isComment(line) else { return false }
        return Text.isIdentifier(last) || Text.closers.contains(last) || Text.quotes.contains(last) || last == ";"
    }

    /// Headers whose body may follow without a brace or colon (C, JavaScript, shell).
    static let braceLessHeaders = ["if", "else", "for", "while", "do", "elif"]
}
