extension Trim {
    /// Ends the middle after a line that opens a block (`if x:`, `for (...) {`) when the suffix
    /// already holds that block's body: the suffix's first line of code sits exactly one indentation
    /// step deeper. Small models write the header, then their own version of the body the document
    /// already has, then go on. The cut comes when the middle, after such a header, returns to the
    /// header's level with a line that is not another such header (`else:` is one): the middle wrote
    /// a second body. When generation hit the token limit the first such header ends the middle; a
    /// middle that ended by itself is trusted otherwise (`if a:` / `y = 1` / `else:` before the
    /// suffix's `else` body is right).
    public static func existingBlockBody(_ middle: String, _ context: TrimContext) -> String {
        guard let cut = existingBodyCut(middle, context) else { return middle }
        return String(middle[..<cut])
    }

    static func existingBodyCut(_ middle: String, _ context: TrimContext, streaming: Bool = false) -> String.Index? {
        let tabSize = context.indentStyle?.tabSize ?? 4
        guard let suffixLine = Text.firstNonBlankLine(context.suffix),
              suffixLine.contains(where: { $0.isLetter || $0.isNumber })
        else { return nil }
        let suffixIndent = Text.indentWidth(suffixLine, tabSize: tabSize)
        let step = indentStep(context.prefix, String(context.lineBeforeCursor) + middle + "\n" + context.suffix, tabSize: tabSize)
        let lines = Text.lines(middle)
        var firstHeader: Substring? = nil
        var lastHeader: (line: Substring, width: Int)? = nil
        for (number, line) in lines.enumerated() {
            // The last line is whole only when generation ended by itself.
            let complete = number < lines.count - 1 || (!streaming && !context.truncated)
            guard complete else { break }
            // The middle's first line continues the cursor's line.
            let full = number == 0 ? String(context.lineBeforeCursor) + line : String(line)
            guard !Text.isBlank(full) else { continue }
            let width = Text.indentWidth(full, tabSize: tabSize)
            if opensBlock(full), width + step == suffixIndent {
                firstHeader = firstHeader ?? line
                lastHeader = (line, width)
            } else if let header = lastHeader, width <= header.width {
                return header.line.endIndex
            }
        }
        if context.truncated, !streaming, let header = firstHeader { return header.endIndex }
        return nil
    }

    /// A line ending with a block or bracket opener.
    static func opensBlock<S: StringProtocol>(_ line: S) -> Bool {
        let code = line.trimmingTrailingWhitespace()
        return [":", "{", "(", "[", "=>"].contains { code.hasSuffix($0) } || code.hasSuffix(" do") || code.hasSuffix(" then")
    }

    /// The document's indentation step: the most frequent indentation increase after a line that
    /// opens a block, in the lines around the cursor, the middle's included (4 when there is none).
    static func indentStep(_ prefix: String, _ rest: String, tabSize: Int) -> Int {
        let nearby = Text.lines(String(prefix.suffix(6000))).suffix(120) + Text.lines(String(rest.prefix(4000))).prefix(80)
        var counts: [Int: Int] = [:]
        var previous: (width: Int, opens: Bool)? = nil
        for line in nearby where !Text.isBlank(line) {
            let width = Text.indentWidth(line, tabSize: tabSize)
            if let previous, previous.opens, width > previous.width { counts[width - previous.width, default: 0] += 1 }
            previous = (width, opensBlock(line))
        }
        return counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key ?? 4
    }

}
