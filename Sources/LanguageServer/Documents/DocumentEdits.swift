import LSPProtocol

/// Where the server's edits land. Every edit the server sends is checked by `contains` before it
/// goes out (`LanguageServer.inside`): an edit past the end is applied differently by each client
/// (clamped onto the last line, or refused), so none may leave.
extension Document {
    /// Whether `range` lies inside the document: both ends on existing lines, at most at the
    /// line's end (before its line break), in `encoding`'s units.
    public func contains(_ range: Range, encoding: PositionEncodingKind) -> Bool {
        [range.start, range.end].allSatisfy { position in
            guard position.line >= 0, position.line < lineCount, position.character >= 0 else { return false }
            let lineEnd = self.position(of: lineContent(position.line).endIndex, encoding: encoding)
            return position.character <= lineEnd.character
        }
    }

    /// Inserts `text` (whole lines, each ending in a line break) at the start of `line`. Below a last
    /// line that has no line break (`line == lineCount`), the break is inserted first, at the end of
    /// the document, so the text starts a line of its own instead of joining the last one.
    public func lineInsertion(_ text: String, atLine line: Int, encoding: PositionEncodingKind) -> TextEdit {
        if line < lineCount {
            let start = Position(line: max(0, line), character: 0)
            return TextEdit(range: Range(start: start, end: start), newText: text)
        }
        let end = position(of: bytes.count, encoding: encoding)
        return TextEdit(range: Range(start: end, end: end), newText: lineEnding + text)
    }
}
