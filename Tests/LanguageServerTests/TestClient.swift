import CompletionBackend
import Foundation
import JSONRPC
import LSPProtocol
import XCTest
@testable import LanguageServer

/// An in-process LSP client: it talks to a `LanguageServer` through `Message`s that take a trip
/// through the jsoncpp wire codec each way, answers the server's own requests, and records
/// notifications. `send(_:)` returns the typed response or throws the `ResponseError`.
final class TestClient: MessageSink, @unchecked Sendable {
    let backend: ScriptedBackend
    private(set) var server: LanguageServer!
    private let lock = NSLock()
    private var nextID = 1
    private var pending: [RequestID: CheckedContinuation<JSONValue, any Error>] = [:]
    private var answered: [RequestID: Result<JSONValue, any Error>] = [:]
    private var notificationLog: [(method: String, params: JSONValue)] = []
    private var serverRequests: [(method: String, params: JSONValue)] = []
    private var exit: Int32?
    /// What the client answers to `workspace/applyEdit`.
    var applyEditResult = ApplyWorkspaceEditResult(applied: true)

    init(backend: ScriptedBackend = ScriptedBackend(), configuration: ServerConfiguration = .init(),
         loader: BackendLoader? = nil) {
        self.backend = backend
        let backendForLoader = backend
        let loader = loader ?? { _, progress in
            progress("mapping weights", 50)
            return backendForLoader
        }
        server = LanguageServer(client: self, configuration: configuration, loader: loader, logToStderr: false) {
            [weak self] code in self?.lock.withLock { self?.exit = code }
        }
    }

    // MARK: MessageSink (messages from the server)

    func send(_ message: Message) {
        let message = try! Message(body: message.body)  // through the wire codec
        switch message {
        case .response(let id, let result):
            deliver(id, .success(result))
        case .errorResponse(let id?, let error):
            deliver(id, .failure(error))
        case .notification(let method, let params):
            lock.withLock { notificationLog.append((method, params)) }
        case .request(let id, let method, let params):
            lock.withLock { serverRequests.append((method, params)) }
            let result: JSONValue
            switch method {
            case ApplyEditRequest.method: result = try! JSONValueEncoder().encode(applyEditResult)
            default: result = .null
            }
            server.receive(.response(id: id, result: result))
        case .errorResponse(nil, let error):
            XCTFail("server sent an error without id: \(error)")
        }
    }

    // MARK: Sending

    func send<R: RequestType>(_ request: R) async throws -> R.Response {
        try await start(request).response.value
    }

    /// Sends a request and returns its id and a task for the answer (for cancellation tests).
    func start<R: RequestType>(_ request: R) -> (id: RequestID, response: Task<R.Response, any Error>) {
        let id: RequestID = lock.withLock {
            defer { nextID += 1 }
            return .number(nextID)
        }
        let message = try! Message(body: Message.request(request, id: id).body)
        let task = Task<R.Response, any Error> {
            // A lost answer fails the test with a message instead of hanging the suite.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(20))
                XCTFail("no answer to \(R.method) (id \(id)) within 20 s")
                self.deliver(id, .failure(ResponseError.internalError("test client gave up waiting")))
            }
            defer { watchdog.cancel() }
            let result = try await self.response(to: id)
            return try JSONValueDecoder().decode(R.Response.self, from: result)
        }
        server.receive(message)  // sent now, in call order; the answer may come before the task waits
        return (id, task)
    }

    private func response(to id: RequestID) async throws -> JSONValue {
        try await withCheckedThrowingContinuation { continuation in
            let early: Result<JSONValue, any Error>? = lock.withLock {
                if let result = answered.removeValue(forKey: id) { return result }
                pending[id] = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }
    }

    /// Delivers an answer to its waiter, or keeps it until the waiter comes.
    private func deliver(_ id: RequestID, _ result: Result<JSONValue, any Error>) {
        let waiter: CheckedContinuation<JSONValue, any Error>? = lock.withLock {
            if let waiter = pending.removeValue(forKey: id) { return waiter }
            answered[id] = result
            return nil
        }
        waiter?.resume(with: result)
    }

    func sendRaw(_ message: Message) { server.receive(try! Message(body: message.body)) }

    func notify<N: NotificationType>(_ notification: N) {
        sendRaw(try! Message.notification(notification))
    }

    // MARK: Conveniences

    @discardableResult
    func initialize(encodings: [String]? = ["utf-16"], resolve: Bool = true, progress: Bool = true,
                    options: JSONValue? = nil) async throws -> InitializeResult {
        let capabilities = ClientCapabilities(
            general: .init(positionEncodings: encodings), workspace: .init(applyEdit: true),
            textDocument: .init(codeAction: .init(resolveSupport: resolve ? .init(properties: ["edit"]) : nil)),
            window: .init(workDoneProgress: progress))
        let result = try await send(InitializeRequest(processId: 1, capabilities: capabilities, initializationOptions: options))
        notify(InitializedNotification())
        return result
    }

    /// Opens a document whose text contains markers such as `1️⃣`; returns their positions in
    /// `encoding` (markers removed from the text).
    @discardableResult
    func open(_ uri: String, _ language: String, _ marked: String, version: Int = 1,
              encoding: PositionEncodingKind = .utf16) -> [String: Position] {
        let (text, positions) = extractMarkers(marked, encoding: encoding)
        notify(DidOpenTextDocumentNotification(
            textDocument: TextDocumentItem(uri: uri, languageId: language, version: version, text: text)))
        return positions
    }

    var notifications: [(method: String, params: JSONValue)] { lock.withLock { notificationLog } }
    var requestsFromServer: [(method: String, params: JSONValue)] { lock.withLock { serverRequests } }
    var exitCode: Int32? { lock.withLock { exit } }

    /// Polls `condition` until it holds (fails after 20 s): waiting on the server's tasks, not timing.
    func waitUntil(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: @escaping () -> Bool) async {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if condition() { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        XCTFail("timed out waiting for \(what); notifications: \(notifications.map { "\($0.method) \($0.params)" })",
                file: file, line: line)
    }
}

/// Removes markers (`1️⃣` … `9️⃣`) from `marked` and returns each one's position in the text.
func extractMarkers(_ marked: String, encoding: PositionEncodingKind = .utf16) -> (String, [String: Position]) {
    let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]
    var text = marked
    var offsets: [String: Int] = [:]
    while let (marker, range) = markers.compactMap({ m in text.range(of: m).map { (m, $0) } })
        .min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
        offsets[marker] = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        text.removeSubrange(range)
    }
    let document = Document(uri: "", languageId: "", version: 0, text: text)
    return (text, offsets.mapValues { document.position(of: $0, encoding: encoding) })
}
