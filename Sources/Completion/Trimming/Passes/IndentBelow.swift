// A middle that ends with a block header over code that is not yet its body: the model ended it with
// a line break and more indentation, meaning "and indent the next line under this". An edit at the
// cursor cannot do that, so the completion carries the indentation as a second edit.

/// Indentation a completion adds in front of lines below the cursor's line.
public struct IndentBelow: Sendable, Equatable, Codable {
    /// The first line to indent, counted from the cursor's line (1: the next line).
    public var firstLine: Int
    /// The lines to indent, from `firstLine` on: the next line of code and the lines nested under it
    /// (blank lines among them are left alone).
    public var lines: [String]
    /// Put at the start of each non-blank one of `lines`, in the document's indentation style.
    public var indentation: String

    public init(firstLine: Int, lines: [String], indentation: String) {
        self.firstLine = firstLine
        self.lines = lines
        self.indentation = indentation
    }
}

extension Trim {
    /// The indentation the model meant for the code below, when the middle it ended itself finishes
    /// with a block header (`if depth < 0:`) and then a line break and whitespace that would put the
    /// next line of code (at the header's level or shallower now) deeper than the header. Only on a
    /// blank line or at the end of one, so the code below starts on a line of its own.
    public static func indentBelow(_ middle: String, _ context: TrimContext) -> IndentBelow? {
        guard context.endedByModel, !context.truncated, Text.isBlank(context.lineAfterCursor),
              let lastBreak = middle.lastIndex(of: "\n")
        else { return nil }
        let added = middle[middle.index(after: lastBreak)...]
        guard !added.isEmpty, added.allSatisfy({ $0 == " " || $0 == "\t" }) else { return nil }
        let tabSize = context.indentStyle?.tabSize ?? 4
        let lines = Text.lines(String(middle[..<lastBreak]))
        guard let headerIndex = lines.lastIndex(where: { !Text.isBlank($0) }) else { return nil }
        let header = headerIndex == 0 ? String(context.lineBeforeCursor) + lines[0] : String(lines[headerIndex])
        guard opensIndentedBlock(header) else { return nil }
        let level = Text.indentWidth(header, tabSize: tabSize)

        let below = Text.lines(context.suffix)
        guard let first = below.indices.dropFirst().first(where: { !Text.isBlank(below[$0]) }) else { return nil }
        let width = Text.indentWidth(below[first], tabSize: tabSize)
        let addedWidth = Text.indentWidth(added, tabSize: tabSize)
        guard width <= level, width + addedWidth > level else { return nil }
        // The line and what is nested under it; trailing blank lines stay out.
        var last = first
        for index in below.indices.dropFirst(first + 1) {
            if Text.isBlank(below[index]) { continue }
            guard Text.indentWidth(below[index], tabSize: tabSize) > width else { break }
            last = index
        }
        let usesTabs = context.indentStyle?.usesTabs ?? false
        let indentation = usesTabs
            ? String(repeating: "\t", count: max(1, addedWidth / tabSize))
            : String(repeating: " ", count: addedWidth)
        return IndentBelow(firstLine: first, lines: below[first...last].map(String.init), indentation: indentation)
    }
}

extension Trim {
    /// The last line of `text` with code, without its surrounding whitespace.
    static func lastCodeLine(_ text: String) -> String? {
        Text.lines(text).last(where: { !Text.isBlank($0) }).map { $0.trimmingWhitespace() }
    }
}

extension TrimContext {
    /// The context with `indent` applied to the code below, as the passes should judge the middle.
    func applying(_ indent: IndentBelow) -> TrimContext {
        var lines = Text.lines(suffix)
        for offset in indent.lines.indices where !Text.isBlank(lines[indent.firstLine + offset]) {
            lines[indent.firstLine + offset] = Substring(indent.indentation + lines[indent.firstLine + offset])
        }
        var context = self
        context.suffix = lines.joined(separator: "\n")
        return context
    }
}
