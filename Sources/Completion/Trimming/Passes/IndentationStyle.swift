extension Trim {
    /// Re-indents the middle's lines (after its first, which continues the cursor's line) in the
    /// document's style: spaces become tabs in a tab-indented file (the model's own indentation step
    /// counts as one tab) and tabs become `tabSize` spaces in a space-indented one.
    public static func indentationStyle(_ middle: String, _ context: TrimContext) -> String {
        guard let style = context.indentStyle else { return middle }
        let lines = Text.lines(middle)
        guard lines.count > 1 else { return middle }
        // The model's step when it indents with spaces: the smallest non-zero difference between
        // space indents, in the middle and the cursor's line.
        let widths = ([context.lineBeforeCursor] + lines.dropFirst())
            .filter { !Text.isBlank($0) }
            .map { Text.indentWidth($0, tabSize: style.tabSize) }
        let steps = Set(widths).sorted()
        let differences = zip(steps, steps.dropFirst()).map { $1 - $0 } + steps.filter { $0 > 0 }
        let unit = max(1, differences.min() ?? style.tabSize)

        return lines.enumerated().map { number, line -> String in
            guard number > 0 else { return String(line) }
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" })
            let body = line.dropFirst(indent.count)
            if style.usesTabs {
                guard indent.contains(" ") else { return String(line) }
                let columns = Text.indentWidth(indent, tabSize: unit)
                return String(repeating: "\t", count: columns / unit) + String(repeating: " ", count: columns % unit) + body
            }
            guard indent.contains("\t") else { return String(line) }
            let columns = Text.indentWidth(indent, tabSize: style.tabSize)
            return String(repeating: " ", count: columns) + body
        }.joined(separator: "\n")
    }
}
