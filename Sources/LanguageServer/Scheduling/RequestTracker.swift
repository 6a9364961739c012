import LSPProtocol

/// The requests the server is running, for `$/cancelRequest`, superseding and shutdown. Kept apart
/// from `ServerState` on purpose: every request task holds a snapshot of that state, and a table
/// that changes with each request inside it would make each snapshot a copy of the table (N
/// pending requests, N² memory).
struct RequestTracker: Sendable {
    /// Running requests that can be cancelled, by id.
    private(set) var inFlight: [RequestID: CancellationFlag] = [:]
    /// `$/cancelRequest`s that overtook their request (they skip the queue); applied when it comes.
    private var earlyCancellations: [RequestID] = []
    static let earlyCancellationLimit = 64
    /// The newest completion request per document: a newer one supersedes it.
    private var latestCompletion: [DocumentURI: CancellationFlag] = [:]

    /// Registers a request as it starts; a completion supersedes the previous one for its document.
    mutating func start(_ id: RequestID, flag: CancellationFlag, completing uri: DocumentURI?) {
        inFlight[id] = flag
        if let early = earlyCancellations.firstIndex(of: id) {
            earlyCancellations.remove(at: early)
            flag.cancel(.cancelledByClient)
        }
        if let uri {
            latestCompletion[uri]?.cancel(.superseded)
            latestCompletion[uri] = flag
        }
    }

    mutating func finish(_ id: RequestID, flag: CancellationFlag, completing uri: DocumentURI?) {
        if inFlight[id] === flag { inFlight[id] = nil }
        if let uri, latestCompletion[uri] === flag { latestCompletion[uri] = nil }
    }

    /// The flag to cancel for `$/cancelRequest`; remembered for later if the request has not started.
    mutating func cancel(_ id: RequestID) -> CancellationFlag? {
        if let flag = inFlight[id] { return flag }
        earlyCancellations.append(id)
        if earlyCancellations.count > Self.earlyCancellationLimit { earlyCancellations.removeFirst() }
        return nil
    }

    /// The document was closed: its running completion is moot.
    mutating func close(_ uri: DocumentURI) {
        latestCompletion.removeValue(forKey: uri)?.cancel(.superseded)
    }

    func cancelAll() {
        for flag in inFlight.values { flag.cancel(.cancelledByClient) }
    }
}
