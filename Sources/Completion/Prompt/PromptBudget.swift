// How many prompt tokens the file around the cursor and the extra context may use.

/// Token budget of one FIM prompt (the control tokens and BOS come on top).
public struct PromptBudget: Sendable, Equatable, Codable {
    /// Tokens for the current file's prefix and suffix together.
    public var fileTokens: Int
    /// Share of `fileTokens` kept for the prefix when the suffix is long (about 3:1). A short suffix
    /// leaves its unused share to the prefix.
    public var prefixShare: Double
    /// Tokens for other open documents and recently edited regions, placed before the prefix.
    public var extraContextTokens: Int
    /// The prefix is cut at a line whose number is a multiple of this, so the prompt's start stays
    /// the same for several lines of typing and the engine's KV cache keeps matching.
    public var prefixLineGranularity: Int

    public init(
        fileTokens: Int = 1536, prefixShare: Double = 0.75, extraContextTokens: Int = 512,
        prefixLineGranularity: Int = 16
    ) {
        self.fileTokens = max(0, fileTokens)
        self.prefixShare = min(1, max(0, prefixShare))
        self.extraContextTokens = max(0, extraContextTokens)
        self.prefixLineGranularity = max(1, prefixLineGranularity)
    }
}
