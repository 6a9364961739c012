// The trimming pipeline: generated middle in, edit out.

/// What to put in the document at the cursor.
public struct CompletionEdit: Sendable, Equatable {
    /// Text to insert at the cursor, in the document's line endings and indentation style.
    public var text: String
    /// Characters right of the cursor, on its line, that `text` replaces (auto-inserted closers the
    /// completion already contains). They are ASCII, so this is also their UTF-8 and UTF-16 length.
    public var replacedCharactersAfterCursor: Int

    public init(text: String, replacedCharactersAfterCursor: Int = 0) {
        self.text = text
        self.replacedCharactersAfterCursor = replacedCharactersAfterCursor
    }
}

public enum Trimmer {
    /// The passes, in order. Cutting passes come first (each may end the middle early), then the
    /// suffix overlap (on the final shape of the tail), then formatting.
    public static let passes: [(name: String, run: @Sendable (String, TrimContext) -> String)] = [
        ("stopStrings", Trim.cutAtStopStrings),
        ("truncatedLine", Trim.truncatedLine),
        ("placeholderComments", Trim.placeholderComments),
        ("singleLine", Trim.singleLine),
        ("unprovenLines", Trim.unprovenLines),
        ("existingBlockBody", Trim.existingBlockBody),
        ("indentationStop", Trim.indentationStop),
        ("repeatedLines", Trim.cutRepeatedLines),
        ("suffixOverlap", Trim.removeSuffixOverlap),
        ("unreachableCode", Trim.unreachableCode),
        ("danglingHeader", Trim.danglingHeader),
        ("trailingWhitespace", Trim.trailingWhitespace),
        ("lineInsertion", Trim.lineInsertion),
    ]

    /// Runs every pass on a generated middle (LF line endings, as decoded). Returns nil when nothing
    /// worth showing is left (empty or whitespace only).
    public static func trim(_ middle: String, context: TrimContext) -> CompletionEdit? {
        var text = LineEnding.normalized(middle)
        for pass in passes { text = pass.run(text, context) }
        guard !Text.isBlank(text) else { return nil }
        let replaced = Trim.autoCloserReplacement(text, context)
        text = Trim.indentationStyle(text, context)
        text = Trim.lineEndings(text, context)
        return CompletionEdit(text: text, replacedCharactersAfterCursor: replaced)
    }
}
