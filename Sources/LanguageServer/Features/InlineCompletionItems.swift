import CompletionBackend
import LSPProtocol

/// Turns a middle into the inline item: insert at the cursor, and when the rest of the cursor's
/// line is only closers (`)`, `]`, `"`, `;` …) that the middle already ends with — the ones an
/// editor auto-inserted — replace them too, so accepting does not leave `foo(x))`. The range stays
/// on the cursor's line as the spec requires.
enum InlineCompletionItems {
    static let closers: Set<Character> = [")", "]", "}", ">", "\"", "'", "`", ";", ",", ":"]

    /// Byte length after the cursor (on its line) that the item replaces.
    static func replacedLength(middle: String, restOfLine: String) -> Int {
        let rest = restOfLine.trimmingTrailingWhitespace()
        guard !rest.isEmpty, rest.allSatisfy({ closers.contains($0) || $0 == " " }) else { return 0 }
        let end = middle.trimmingTrailingWhitespace()
        let lastLine = end.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? end
        guard lastLine.hasSuffix(rest) else { return 0 }
        return rest.utf8.count
    }

    /// Bytes after the cursor to replace: the backend's count (clamped to the line) or our rule.
    static func replaced(_ output: CompletionOutput, document: Document, cursor: Int) -> Int {
        let line = document.lineContent(document.position(of: cursor, encoding: .utf8).line)
        let rest = line[cursor..<line.endIndex]
        if let count = output.replacedCharactersAfterCursor {
            // Whole characters only: walk `count` characters of the rest of the line.
            let text = String(decoding: rest, as: UTF8.self)
            return text.prefix(max(0, count)).utf8.count
        }
        return replacedLength(middle: output.middle, restOfLine: String(decoding: rest, as: UTF8.self))
    }

    /// The item; a completion that also indents the code below carries that as its command.
    static func item(_ output: CompletionOutput, document: Document, cursor: Int, encoding: PositionEncodingKind)
        -> InlineCompletionItem
    {
        let middle = output.middle
        let start = document.position(of: cursor, encoding: encoding)
        let replaced = replaced(output, document: document, cursor: cursor)
        let end = document.position(of: cursor + replaced, encoding: encoding)
        // If replacing closers, drop trailing whitespace the model put after them.
        let text = replaced > 0 ? middle.trimmingTrailingWhitespace() : middle
        let command = IndentBelowEdits.command(output, uri: document.uri, cursorLine: start.line, insertText: text)
        return InlineCompletionItem(insertText: text, range: Range(start: start, end: end), command: command)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
