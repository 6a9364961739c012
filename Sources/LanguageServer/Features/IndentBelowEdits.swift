import Completion
import CompletionBackend
import LSPProtocol

/// The second edit of a completion whose last line is a block header over the code below
/// (`IndentBelow`): indentation in front of those lines. Menu items carry it as
/// `additionalTextEdits` (positions in the document before the item is applied). Inline items may only
/// replace text on the cursor's line, so they carry a command that the editor runs after inserting
/// the item; the server then checks that the lines are still the ones the completion saw and sends
/// the indentation as `workspace/applyEdit`.
enum IndentBelowEdits {
    static let command = "infill.indentLines"
    static let title = "Indent the code below the completion"

    /// Insertions at column 0 (the same position in every encoding) of the non-blank lines, the
    /// first of them at `firstLine`.
    static func textEdits(_ indent: IndentBelow, firstLine: Int) -> [TextEdit] {
        indent.lines.indices.compactMap { offset in
            guard !indent.lines[offset].allSatisfy(\.isWhitespace) else { return nil }
            let start = Position(line: firstLine + offset, character: 0)
            return TextEdit(range: Range(start: start, end: start), newText: indent.indentation)
        }
    }

    /// For menu items: positions in the document as it is.
    static func additionalTextEdits(_ output: CompletionOutput, cursorLine: Int) -> [TextEdit]? {
        output.indentBelow.map { textEdits($0, firstLine: cursorLine + $0.firstLine) }
    }

    /// For inline items: the command, with the lines' numbers once `insertText` is in the document.
    static func command(_ output: CompletionOutput, uri: DocumentURI, cursorLine: Int, insertText: String) -> Command? {
        guard let indent = output.indentBelow else { return nil }
        let insertedBreaks = insertText.filter { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count
        let arguments: JSONValue = [
            "uri": .string(uri), "line": .int(cursorLine + insertedBreaks + indent.firstLine),
            "lines": .array(indent.lines.map { .string($0) }), "indentation": .string(indent.indentation),
        ]
        return Command(title: title, command: command, arguments: [arguments])
    }

    /// The edits the command stands for, on `document` as it is now; nil when the lines have changed
    /// since (the user edited them, or the item was not accepted as it was).
    static func edits(forCommand arguments: JSONValue, in document: Document) throws -> [TextEdit]? {
        guard let line = arguments["line"]?.intValue, let indentation = arguments["indentation"]?.stringValue,
              case .array(let values)? = arguments["lines"]
        else { throw ResponseError.invalidParams("\(command) needs {uri, line, lines, indentation}") }
        let lines = values.compactMap(\.stringValue)
        // `line` is the client's number: compare without adding to it (Int.max + 1 traps).
        guard line >= 0, lines.count <= document.lineCount, line <= document.lineCount - lines.count,
              lines.indices.allSatisfy({ document.lineText(line + $0) == lines[$0] })
        else { return nil }
        return textEdits(IndentBelow(firstLine: 0, lines: lines, indentation: indentation), firstLine: line)
    }
}
