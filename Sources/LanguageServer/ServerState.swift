import CompletionBackend
import LSPProtocol

/// Everything the server knows between messages. Mutated only by the message loop (in arrival
/// order) and read as snapshots by request tasks.
struct ServerState: Sendable {
    enum Phase: Sendable { case uninitialized, running, shuttingDown }

    var phase: Phase = .uninitialized
    var encoding: PositionEncodingKind = .utf16
    var capabilities = ClientCapabilities()
    var configuration: ServerConfiguration
    var documents: [DocumentURI: Document] = [:]
    /// Most recently edited or opened first.
    var recency: [DocumentURI] = []
    /// Documents whose text may differ from the editor's: a change to them could not be applied.
    /// No completion is answered from them until a full-text change or a reopen heals them.
    var outOfStep: Set<DocumentURI> = []
    /// `window/showMessage` about a lost change goes out once a session; the log has each.
    var toldUserAboutLostStep = false
    var trace = "off"
    var progressCounter = 0
    var modelLoadStarted = false

    init(configuration: ServerConfiguration) { self.configuration = configuration }

    mutating func touch(_ uri: DocumentURI) {
        recency.removeAll { $0 == uri }
        recency.insert(uri, at: 0)
    }

    func otherDocuments(than uri: DocumentURI, limit: Int = 8) -> [ContextDocument] {
        recency.lazy.filter { $0 != uri }.compactMap { documents[$0] }.prefix(limit).map {
            ContextDocument(uri: $0.uri, languageId: $0.languageId, text: $0.text)
        }
    }

    var clientResolvesCodeActionEdits: Bool {
        capabilities.textDocument?.codeAction?.resolveSupport?.properties.contains("edit") ?? false
    }
}
