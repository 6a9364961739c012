// Where a prompt cut the document, so that the next prompt for it can cut it in the same places.

/// The lines of the document a prompt kept around the cursor, counted so that edits at the cursor
/// leave them true: the prefix's start from the document's start, the suffix's end from its end.
/// Given back with the next request (`FIMRequest.lastWindow`), it keeps the prompt's ends where the
/// KV cache has them after the cursor moves (`PromptBuilder`).
public struct PromptWindow: Sendable, Equatable {
    /// Whole lines of the document before the prefix's first kept line.
    public var linesBeforePrefix: Int
    /// Lines of the document after the suffix's last kept line.
    public var linesAfterSuffix: Int

    public init(linesBeforePrefix: Int, linesAfterSuffix: Int) {
        self.linesBeforePrefix = linesBeforePrefix
        self.linesAfterSuffix = linesAfterSuffix
    }
}
