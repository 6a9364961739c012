import Completion

/// What the server asks of the engine: given a document split at the cursor, produce the middle.
/// The real backend (`EngineBackend`: the completion pipeline over a `Generator`) and the
/// deterministic test backend both conform. Calls never overlap: the server runs one generation
/// at a time.
public protocol CompletionBackend: Sendable {
    /// Returns the text to insert at the cursor. Check `cancellation` between tokens and return
    /// early (any result; it is dropped) or throw `CancellationError` once it is cancelled. Stop at
    /// a line boundary once `input.deadline` has passed, returning what was generated so far.
    func complete(_ input: CompletionInput, cancellation: CancellationToken) async throws -> CompletionOutput
    /// The document was opened: `input` is the request the server expects for it first (the cursor
    /// where the server guesses it). The backend may run that prompt while nobody waits, so the first
    /// real request finds the document's text computed.
    func documentOpened(_ input: CompletionInput)
    /// The document was closed: drop what the backend keeps for it.
    func forget(_ uri: String)
    /// What answers, for `infill/status`, when it is not the configured model file.
    var modelDescription: String? { get }
}

extension CompletionBackend {
    public func documentOpened(_ input: CompletionInput) {}
    public func forget(_ uri: String) {}
    public var modelDescription: String? { nil }

    /// `complete` with a cancellation that is only asked, never announced (tests, `infill complete`).
    public func complete(_ input: CompletionInput, isCancelled: @escaping @Sendable () -> Bool) async throws
        -> CompletionOutput {
        try await complete(input, cancellation: CancellationToken(asking: isCancelled))
    }
}

public struct CompletionInput: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// Ghost text (`textDocument/inlineCompletion`).
        case inline
        /// Menu item (`textDocument/completion`, Helix).
        case completion
        /// A docstring body: the prefix ends with the opener, the suffix starts with the closer.
        /// Code-specific trimming does not apply; stop at any of `input.stop`.
        case docstring
    }

    public var mode: Mode
    public var uri: String
    public var languageId: String
    public var version: Int
    /// The document before the cursor.
    public var prefix: String
    /// The document after the cursor.
    public var suffix: String
    /// Other open documents, most recently edited first: extra context for the prompt.
    public var otherDocuments: [ContextDocument]
    public var maxNewTokens: Int
    /// Past this instant, finish the current line and return.
    public var deadline: ContinuousClock.Instant
    /// When to answer with the whole words written so far, the rest written in the background where
    /// typing-through finds it (automatic inline requests: ghost text that appears soon and grows as
    /// the user types).
    public var firstAnswer: FirstAnswer
    public var multiline: MultilinePolicy
    /// Token budget for the whole prompt (prefix, suffix and extra context).
    public var contextTokens: Int
    /// Strings that end generation (docstring closers); not part of the returned middle.
    public var stop: [String]
    /// The document's line ending ("\n", "\r\n" or "\r"), for text the backend returns.
    public var lineEnding: String
    /// Whether the backend may, while idle, compute the completion that follows accepting this one.
    public var precompute: Bool
    /// The user asked for this completion (LSP trigger kind "invoked"), not the editor while typing:
    /// a model that ends at once is asked again for its best answer that says something.
    public var invoked: Bool

    public init(mode: Mode, uri: String, languageId: String, version: Int, prefix: String, suffix: String,
                otherDocuments: [ContextDocument] = [], maxNewTokens: Int = 64,
                deadline: ContinuousClock.Instant = .now + .seconds(1.5), firstAnswer: FirstAnswer = .whenFinished, multiline: MultilinePolicy = .auto,
                contextTokens: Int = 2048, stop: [String] = [], lineEnding: String = "\n", precompute: Bool = true,
                invoked: Bool = false) {
        self.mode = mode
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.prefix = prefix
        self.suffix = suffix
        self.otherDocuments = otherDocuments
        self.maxNewTokens = maxNewTokens
        self.deadline = deadline
        self.firstAnswer = firstAnswer
        self.multiline = multiline
        self.contextTokens = contextTokens
        self.stop = stop
        self.lineEnding = lineEnding
        self.precompute = precompute
        self.invoked = invoked
    }
}

/// When a backend answers before its completion is finished (`CompletionInput.firstAnswer`).
public enum FirstAnswer: Sendable, Equatable {
    /// Once the completion is finished.
    case whenFinished
    /// This long after the request started.
    case after(Duration)
    /// As long after the request started as generating this many tokens takes (the backend measures
    /// it), so a faster model or machine answers with about as much text, sooner.
    case afterTokens(Int)
}

public struct ContextDocument: Sendable, Equatable {
    public var uri: String
    public var languageId: String
    public var text: String
    public init(uri: String, languageId: String, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.text = text
    }
}

public struct CompletionOutput: Sendable, Equatable {
    /// The (trimmed) text to insert at the cursor; empty means no suggestion.
    public var middle: String
    /// How many characters right of the cursor (on its line; ASCII closers) the middle replaces,
    /// when the backend decided it (the Completion module's `CompletionEdit`); nil lets the server
    /// decide (closers the middle already ends with).
    public var replacedCharactersAfterCursor: Int?
    /// Indentation the completion adds to the code below the cursor's line (`Trim.indentBelow`).
    public var indentBelow: IndentBelow?
    /// Statistics for logs and benchmarks.
    public var promptTokens: Int
    public var reusedPromptTokens: Int
    public var generatedTokens: Int
    /// The answer ends where `CompletionInput.firstAnswer` fell, the model still writing.
    public var answeredEarly: Bool

    public init(middle: String, replacedCharactersAfterCursor: Int? = nil, indentBelow: IndentBelow? = nil,
                promptTokens: Int = 0, reusedPromptTokens: Int = 0, generatedTokens: Int = 0, answeredEarly: Bool = false) {
        self.middle = middle
        self.replacedCharactersAfterCursor = replacedCharactersAfterCursor
        self.indentBelow = indentBelow
        self.promptTokens = promptTokens
        self.reusedPromptTokens = reusedPromptTokens
        self.generatedTokens = generatedTokens
        self.answeredEarly = answeredEarly
    }
}

/// Whether completions may span several lines.
public enum MultilinePolicy: String, Sendable, Equatable, CaseIterable {
    /// Multi-line at the end of a line or in an empty block; single line when code sits right of the cursor.
    case auto
    case always
    case never
}
