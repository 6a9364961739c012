/// `textDocument/inlineCompletion` (LSP 3.18): ghost text at the cursor.
public struct InlineCompletionRequest: RequestType, Hashable {
    public static let method = "textDocument/inlineCompletion"
    public typealias Response = InlineCompletionList?

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context

    public init(textDocument: TextDocumentIdentifier, position: Position, context: Context = .init()) {
        self.textDocument = textDocument
        self.position = position
        self.context = context
    }

    public struct Context: Codable, Hashable, Sendable {
        /// 1 invoked explicitly, 2 automatic (while typing).
        public var triggerKind: Int
        public var selectedCompletionInfo: SelectedCompletionInfo?
        public init(triggerKind: Int = 2, selectedCompletionInfo: SelectedCompletionInfo? = nil) {
            self.triggerKind = triggerKind
            self.selectedCompletionInfo = selectedCompletionInfo
        }
    }

    public struct SelectedCompletionInfo: Codable, Hashable, Sendable {
        public var range: Range
        public var text: String
    }
}

public struct InlineCompletionList: ResponseType, Hashable {
    public var items: [InlineCompletionItem]
    public init(items: [InlineCompletionItem]) { self.items = items }
}

public struct InlineCompletionItem: Codable, Hashable, Sendable {
    public var insertText: String
    public var filterText: String?
    /// Replaced by `insertText`; one line, containing the cursor.
    public var range: Range?
    public var command: Command?
    public init(insertText: String, filterText: String? = nil, range: Range? = nil, command: Command? = nil) {
        self.insertText = insertText
        self.filterText = filterText
        self.range = range
        self.command = command
    }
}
