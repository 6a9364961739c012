// The text around the cursor and the context that goes into one FIM prompt.

/// Another file (or a region of one) shown to the model before the current file.
public struct ContextFile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An open document: changes rarely, so it goes first and stays in the KV cache.
        case openDocument
        /// A recently edited region: changes more often, so it goes after the open documents.
        case recentEdit
    }

    /// Path shown to the model (relative to the workspace root reads best).
    public var path: String
    public var text: String
    public var kind: Kind

    public init(path: String, text: String, kind: Kind = .openDocument) {
        self.path = path
        self.text = text
        self.kind = kind
    }
}

/// Everything the prompt builder needs for one completion. Text uses "\n" line endings
/// (`LineEnding.normalized(_:)`); the trimmer converts the result back to the document's.
public struct FIMRequest: Sendable, Equatable {
    /// The whole document before the cursor.
    public var prefix: String
    /// The whole document after the cursor.
    public var suffix: String
    /// The current file's path, shown before the FIM part in multi-file layouts.
    public var path: String?
    /// Repository name for families with a repository token (defaults to the workspace folder's name).
    public var repositoryName: String?
    /// In the order the caller wants them, stable ones first; kept within the budget.
    public var context: [ContextFile]
    /// Line-comment marker of the language (`//`, `#`, `--`) for families that take other files as
    /// commented plain text; without one those families get no extra context.
    public var lineComment: String?
    /// Where the last prompt for this document cut it (`FIMPrompt.window`). After the cursor moves,
    /// cutting there again keeps the prompt's ends in the KV cache instead of running the lines a
    /// fresh cut would add (see `PromptBuilder`).
    public var lastWindow: PromptWindow?

    public init(
        prefix: String, suffix: String, path: String? = nil, repositoryName: String? = nil,
        context: [ContextFile] = [], lineComment: String? = nil, lastWindow: PromptWindow? = nil
    ) {
        self.prefix = prefix
        self.suffix = suffix
        self.path = path
        self.repositoryName = repositoryName
        self.context = context
        self.lineComment = lineComment
        self.lastWindow = lastWindow
    }
}
