extension Trim {
    /// Re-indents the middle's lines (after its first, which continues the cursor's line) in the
    /// document's style: spaces become tabs in a tab-indented file (the model's own indentation step
    /// counts as one tab) and tabs become `tabSize` spaces in a space-indented one.
    public static func indentationStyle(_ middle: String, _ context: TrimContext) -> String {
        guard let style = context.indentStyle else { return middle }
        let lines = Text.lines(middle)
        guard lines.count > 1 else { return middle }
        // The model's step when it indents with spaces: the tab width, or a smaller common step of
        // its space indents (a model writing 2-space indentation).
        let spaceIndents = lines.dropFirst().filter { !Text.isBlank($0) && $0.first == " " }
            .map { Text.indentWidth($0, tabSize: style.tabSize) }
        let step = spaceIndents.reduce(0) { gcd($0, $1) }
        let unit = step > 0 ? min(step, style.tabSize) : style.tabSize

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

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
