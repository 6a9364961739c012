/// `textDocument/completion`: the menu completion (Helix has no inline completion).
public struct CompletionRequest: RequestType, Hashable {
    public static let method = "textDocument/completion"
    public typealias Response = CompletionList?

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?

    public init(textDocument: TextDocumentIdentifier, position: Position, context: Context? = nil) {
        self.textDocument = textDocument
        self.position = position
        self.context = context
    }

    public struct Context: Codable, Hashable, Sendable {
        /// 1 invoked, 2 trigger character, 3 re-trigger for incomplete results.
        public var triggerKind: Int
        public var triggerCharacter: String?
        public init(triggerKind: Int, triggerCharacter: String? = nil) {
            self.triggerKind = triggerKind
            self.triggerCharacter = triggerCharacter
        }
    }
}

public struct CompletionList: ResponseType, Hashable {
    public var isIncomplete: Bool
    public var items: [CompletionItem]
    public init(isIncomplete: Bool, items: [CompletionItem]) {
        self.isIncomplete = isIncomplete
        self.items = items
    }
}

public struct CompletionItem: Codable, Hashable, Sendable {
    public var label: String
    public var kind: Int?
    public var detail: String?
    public var documentation: MarkupContent?
    public var preselect: Bool?
    public var sortText: String?
    public var filterText: String?
    /// 1 plain text, 2 snippet.
    public var insertTextFormat: Int?
    public var textEdit: TextEdit?
    /// Edits elsewhere in the document, applied with the item; they must not overlap `textEdit`.
    public var additionalTextEdits: [TextEdit]?

    public init(label: String, kind: Int? = nil, detail: String? = nil, documentation: MarkupContent? = nil,
                preselect: Bool? = nil, sortText: String? = nil, filterText: String? = nil,
                insertTextFormat: Int? = nil, textEdit: TextEdit? = nil, additionalTextEdits: [TextEdit]? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
        self.preselect = preselect
        self.sortText = sortText
        self.filterText = filterText
        self.insertTextFormat = insertTextFormat
        self.textEdit = textEdit
        self.additionalTextEdits = additionalTextEdits
    }

    public static let textKind = 1
    public static let snippetKind = 15
}
