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
    /// Running requests that can be cancelled, by id.
    var inFlight: [RequestID: CancellationFlag] = [:]
    /// `$/cancelRequest`s that overtook their request (they skip the queue); applied when it comes.
    var earlyCancellations: [RequestID] = []
    /// The newest completion request per document: a newer one supersedes it.
    var latestCompletion: [DocumentURI: CancellationFlag] = [:]
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
