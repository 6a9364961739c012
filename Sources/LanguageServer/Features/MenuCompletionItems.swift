import CompletionBackend
import LSPProtocol

/// Completion-menu items for editors without ghost text (Helix). The item's `textEdit` replaces
/// the word being typed with word + middle (possibly several lines), `filterText` starts with the
/// typed word so the client's filter keeps the item, `label` is the first line shortened, and the
/// documentation shows the whole completion. A second, single-line item is offered when the
/// middle spans several lines.
enum MenuCompletionItems {
    static let maxLabelLength = 60

    /// Start offset of the identifier that ends at `cursor`.
    static func wordStart(in line: ArraySlice<UInt8>, cursor: Int) -> Int {
        let text = String(decoding: line[line.startIndex..<cursor], as: UTF8.self)
        var start = cursor
        for ch in text.reversed() {
            guard ch.isLetter || ch.isNumber || ch == "_" || ch == "$" else { break }
            start -= ch.utf8.count
        }
        return start
    }

    static func items(_ output: CompletionOutput, document: Document, cursor: Int, encoding: PositionEncodingKind)
        -> [CompletionItem]
    {
        let middle = output.middle
        let position = document.position(of: cursor, encoding: encoding)
        let line = document.lineContent(position.line)
        let start = wordStart(in: line, cursor: cursor)
        let word = String(decoding: document.bytes[start..<cursor], as: UTF8.self)
        let replaced = InlineCompletionItems.replaced(output, document: document, cursor: cursor)
        let range = Range(start: document.position(of: start, encoding: encoding),
                          end: document.position(of: cursor + replaced, encoding: encoding))
        let full = word + (replaced > 0 ? middle.trimmingTrailingWhitespace() : middle)
        let lines = full.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        let firstLine = lines.first ?? full
        var variants = [full]
        if lines.count > 1, firstLine.trimmingTrailingWhitespace().count > word.count {
            variants.append(firstLine.trimmingTrailingWhitespace())
        }
        return variants.enumerated().map { index, text in
            let shown = lines.first { !$0.allSatisfy(\.isWhitespace) } ?? firstLine
            var label = String(shown.drop(while: { $0 == " " || $0 == "\t" }))
            if label.count > maxLabelLength { label = String(label.prefix(maxLabelLength - 1)) + "…" }
            if index == 0 && variants.count > 1 { label += " …" }
            return CompletionItem(
                label: label,
                // Text, not Snippet: Helix re-indents every line after the first of a Snippet item,
                // and `text` already carries each line's absolute indentation.
                kind: CompletionItem.textKind,
                detail: index == 0 && variants.count > 1 ? "infill (\(lines.count) lines)" : "infill",
                documentation: MarkupContent(
                    kind: "markdown", value: "```\(document.languageId)\n\(text)\n```"),
                preselect: index == 0 ? true : nil,
                sortText: "0000\(index)",
                filterText: firstLine,
                insertTextFormat: 1,
                textEdit: TextEdit(range: range, newText: text),
                // The one-line variant stops short of the header that would need it.
                additionalTextEdits: index == 0 ? IndentBelowEdits.additionalTextEdits(output, cursorLine: position.line) : nil)
        }
    }
}
