// The trimming pipeline: generated middle in, edit out.

/// What to put in the document at the cursor.
public struct CompletionEdit: Sendable, Equatable {
    /// Text to insert at the cursor, in the document's line endings and indentation style.
    public var text: String
    /// Characters right of the cursor, on its line, that `text` replaces (auto-inserted closers the
    /// completion already contains). They are ASCII, so this is also their UTF-8 and UTF-16 length.
    public var replacedCharactersAfterCursor: Int

    /// Indentation to add in front of the code below, which the completion's last line makes the
    /// body of a block (`Trim.indentBelow`); a second edit, on other lines than the cursor's.
    public var indentBelow: IndentBelow?

    public init(text: String, replacedCharactersAfterCursor: Int = 0, indentBelow: IndentBelow? = nil) {
        self.text = text
        self.replacedCharactersAfterCursor = replacedCharactersAfterCursor
        self.indentBelow = indentBelow
    }
}

public enum Trimmer {
    /// The passes, in order. Cutting passes come first (each may end the middle early), then the
    /// suffix overlap (on the final shape of the tail), then formatting.
    public static let passes: [(name: String, run: @Sendable (String, TrimContext) -> String)] = [
        ("stopStrings", Trim.cutAtStopStrings),
        ("truncatedLine", Trim.truncatedLine),
        ("unexpectedIndent", Trim.unexpectedIndent),
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
        let generated = LineEnding.normalized(middle)
        // When the model meant the code below as the body of its last header, the passes judge the
        // middle against the code as it will be; if they cut that header anyway, the indentation
        // goes too and the middle is judged against the code as it is.
        let ended = Trim.cutAtStopStrings(generated, context)
        var indent = Trim.indentBelow(ended, context)
        var text = runPasses(generated, indent.map(context.applying) ?? context)
        if indent != nil, Trim.lastCodeLine(text) != Trim.lastCodeLine(ended) {
            indent = nil
            text = runPasses(generated, context)
        }
        guard !Text.isBlank(text) else { return nil }
        let replaced = Trim.autoCloserReplacement(text, context)
        text = Trim.indentationStyle(text, context)
        text = Trim.lineEndings(text, context)
        return CompletionEdit(text: text, replacedCharactersAfterCursor: replaced, indentBelow: indent)
    }

    static func runPasses(_ middle: String, _ context: TrimContext) -> String {
        passes.reduce(middle) { text, pass in pass.run(text, context) }
    }
}
