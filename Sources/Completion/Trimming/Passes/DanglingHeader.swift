extension Trim {
    /// Drops the last line of a multi-line middle when it opens an indented block (`else:`,
    /// `for x in y:`) that gets no body: the code below sits at its level or shallower. The model
    /// meant the code below as that body, re-indented (its raw output ends with the extra
    /// indentation), which an edit at the cursor cannot do; the header alone is a syntax error. A
    /// single line stays: the user types the body next.
    public static func danglingHeader(_ middle: String, _ context: TrimContext) -> String {
        let tabSize = context.indentStyle?.tabSize ?? 4
        let lines = Text.lines(middle)
        guard let lastIndex = lines.lastIndex(where: { !Text.isBlank($0) }),
              lines[..<lastIndex].contains(where: { !Text.isBlank($0) }),
              let next = context.nextCodeLine(tabSize: tabSize)
        else { return middle }
        let last = lines[lastIndex]
        guard opensIndentedBlock(last), next.width <= Text.indentWidth(last, tabSize: tabSize)
        else { return middle }
        return String(middle[..<last.startIndex])
    }

    /// A line that opens a block whose body must be indented under it (`else:`, `for x in y:`).
    static func opensIndentedBlock<S: StringProtocol>(_ line: S) -> Bool {
        line.trimmingTrailingWhitespace().hasSuffix(":") && !Text.isComment(line)
    }
}
