public struct ServerCapabilities: Codable, Hashable, Sendable {
    public var positionEncoding: PositionEncodingKind?
    public var textDocumentSync: TextDocumentSyncOptions?
    public var inlineCompletionProvider: Bool?
    public var completionProvider: CompletionOptions?
    public var codeActionProvider: CodeActionOptions?
    public var executeCommandProvider: ExecuteCommandOptions?

    public init(positionEncoding: PositionEncodingKind? = nil, textDocumentSync: TextDocumentSyncOptions? = nil,
                inlineCompletionProvider: Bool? = nil, completionProvider: CompletionOptions? = nil,
                codeActionProvider: CodeActionOptions? = nil, executeCommandProvider: ExecuteCommandOptions? = nil) {
        self.positionEncoding = positionEncoding
        self.textDocumentSync = textDocumentSync
        self.inlineCompletionProvider = inlineCompletionProvider
        self.completionProvider = completionProvider
        self.codeActionProvider = codeActionProvider
        self.executeCommandProvider = executeCommandProvider
    }
}

public struct TextDocumentSyncOptions: Codable, Hashable, Sendable {
    public var openClose: Bool?
    /// 0 none, 1 full, 2 incremental.
    public var change: Int?
    public var save: Bool?
    public init(openClose: Bool? = nil, change: Int? = nil, save: Bool? = nil) {
        self.openClose = openClose
        self.change = change
        self.save = save
    }
    public static let incremental = 2
}

public struct CompletionOptions: Codable, Hashable, Sendable {
    public var triggerCharacters: [String]?
    public var resolveProvider: Bool?
    public init(triggerCharacters: [String]? = nil, resolveProvider: Bool? = nil) {
        self.triggerCharacters = triggerCharacters
        self.resolveProvider = resolveProvider
    }
}

public struct CodeActionOptions: Codable, Hashable, Sendable {
    public var codeActionKinds: [String]?
    public var resolveProvider: Bool?
    public init(codeActionKinds: [String]? = nil, resolveProvider: Bool? = nil) {
        self.codeActionKinds = codeActionKinds
        self.resolveProvider = resolveProvider
    }
}

public struct ExecuteCommandOptions: Codable, Hashable, Sendable {
    public var commands: [String]
    public init(commands: [String]) { self.commands = commands }
}
