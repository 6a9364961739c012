public struct CodeActionRequest: RequestType, Hashable {
    public static let method = "textDocument/codeAction"
    public typealias Response = [CodeAction]?

    public var textDocument: TextDocumentIdentifier
    public var range: Range
    public var context: Context

    public init(textDocument: TextDocumentIdentifier, range: Range, context: Context = .init()) {
        self.textDocument = textDocument
        self.range = range
        self.context = context
    }

    public struct Context: Codable, Hashable, Sendable {
        public var diagnostics: [JSONValue]
        public var only: [String]?
        public var triggerKind: Int?
        public init(diagnostics: [JSONValue] = [], only: [String]? = nil, triggerKind: Int? = nil) {
            self.diagnostics = diagnostics
            self.only = only
            self.triggerKind = triggerKind
        }
    }
}

public struct CodeAction: ResponseType, Hashable {
    public var title: String
    public var kind: String?
    public var edit: WorkspaceEdit?
    public var command: Command?
    /// Carried back to the server by `codeAction/resolve`.
    public var data: JSONValue?

    public init(title: String, kind: String? = nil, edit: WorkspaceEdit? = nil, command: Command? = nil,
                data: JSONValue? = nil) {
        self.title = title
        self.kind = kind
        self.edit = edit
        self.command = command
        self.data = data
    }
}
