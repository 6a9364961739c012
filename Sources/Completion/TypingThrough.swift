// Answering from the last completion while the user types what it proposed, without the model.

/// The completion last shown for a document, remembered by the language server.
public struct ShownCompletion: Sendable, Equatable {
    /// The document before and after the cursor when the completion was computed.
    public var prefix: String
    public var suffix: String
    /// The trimmed middle that was shown ("\n" line endings).
    public var middle: String
    /// Indentation the completion adds to the code below; it counts lines from the cursor's, so it
    /// holds while the user types the middle (line breaks included) over an unchanged suffix.
    public var indentBelow: IndentBelow?
    /// The model had not finished: the answer stopped at the first-answer time, and the completion
    /// computed for after accepting it goes on with the rest (`continued(by:)`).
    public var unfinished: Bool

    public init(prefix: String, suffix: String, middle: String, indentBelow: IndentBelow? = nil, unfinished: Bool = false) {
        self.prefix = LineEnding.normalized(prefix)
        self.suffix = LineEnding.normalized(suffix)
        self.middle = LineEnding.normalized(middle)
        self.indentBelow = indentBelow
        self.unfinished = unfinished
    }

    /// This unfinished completion followed by `next`, the one computed for the document once this one
    /// is accepted; nil when this one is finished or `next` is for another document.
    public func continued(by next: ShownCompletion) -> ShownCompletion? {
        guard unfinished, next.indentBelow == nil, next.suffix == suffix, next.prefix == prefix + middle else { return nil }
        return ShownCompletion(prefix: prefix, suffix: suffix, middle: middle + next.middle, unfinished: next.unfinished)
    }
}

public enum TypingThrough {
    /// The rest of `shown.middle` if the user has typed (only) a non-empty start of it since it was
    /// shown; nil when the document changed any other way or nothing useful is left. Editors that
    /// auto-pair insert closers right of the cursor as the user types an opener, so a changed
    /// suffix is accepted when it is the old one behind inserted closers, and the remainder is
    /// trimmed against the new suffix (the `)` the editor added is not proposed twice).
    public static func remaining(
        after shown: ShownCompletion, prefix newPrefix: String, suffix newSuffix: String,
        context: TrimContext? = nil
    ) -> CompletionEdit? {
        let prefix = LineEnding.normalized(newPrefix)
        let suffix = LineEnding.normalized(newSuffix)
        // Byte comparisons: documents are long and this runs on every keystroke.
        guard prefix.utf8.count > shown.prefix.utf8.count, prefix.utf8.starts(with: shown.prefix.utf8) else { return nil }
        let typed = prefix.utf8.dropFirst(shown.prefix.utf8.count)
        guard shown.middle.utf8.starts(with: typed) else { return nil }
        let rest = String(decoding: shown.middle.utf8.dropFirst(typed.count), as: UTF8.self)
        guard !Text.isBlank(rest) else { return nil }

        if suffix.utf8.elementsEqual(shown.suffix.utf8) {
            return CompletionEdit(text: (context?.lineEnding ?? .lf).apply(to: rest), indentBelow: shown.indentBelow)
        }
        // Only auto-inserted closers may have appeared in front of the old suffix.
        guard suffix.utf8.count > shown.suffix.utf8.count, suffix.utf8.reversed().starts(with: shown.suffix.utf8.reversed()),
              suffix.utf8.dropLast(shown.suffix.utf8.count).allSatisfy({ Text.autoClosers.contains(Character(Unicode.Scalar($0))) })
        else { return nil }
        var trimContext = context ?? TrimContext(prefix: prefix, suffix: suffix)
        trimContext.prefix = prefix
        trimContext.suffix = suffix
        let trimmed = Trim.removeSuffixOverlap(rest, trimContext)
        guard !Text.isBlank(trimmed) else { return nil }
        return CompletionEdit(
            text: trimContext.lineEnding.apply(to: trimmed),
            replacedCharactersAfterCursor: Trim.autoCloserReplacement(trimmed, trimContext), indentBelow: shown.indentBelow)
    }
}
