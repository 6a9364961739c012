import CompletionBackend
import Foundation
import JSONRPC
import LSPProtocol

/// The Infill language server. Messages come in through `receive` (from the stdio connection or
/// the in-process test client) and go out through the `MessageSink`.
///
/// Ordering: one loop handles messages in arrival order; document edits apply there, so a request
/// sees the document as of its arrival. Requests then run as tasks, so a long generation never
/// holds up the edits behind it. `$/cancelRequest` and responses to the server's own requests
/// bypass the loop ("jump the queue"). Generations run one at a time (`GenerationQueue`); a newer
/// completion request for a document supersedes the older one; a result computed for a document
/// version that has since changed is dropped.
public final class LanguageServer: Sendable {
    public static let generateDocstringCommand = "infill.generateDocstring"
    static let triggerCharacters = [".", "(", "{", "[", ",", ":", " ", "\n", "=", "\"", "'"]

    let client: any MessageSink
    let loader: BackendLoader
    let onExit: @Sendable (Int32) -> Void
    let state: Locked<ServerState>
    let requests = Locked(RequestTracker())
    let generation = GenerationQueue()
    let model = ModelHost()
    let outgoing = Locked<(next: Int, pending: [RequestID: CheckedContinuation<JSONValue, any Error>])>((1, [:]))
    let stats = Locked(ServerStatus(model: "", modelState: "idle"))
    private let inbox: AsyncStream<Message>.Continuation
    private let logToStderr: Bool

    /// - Parameters:
    ///   - configuration: defaults and command-line flags; `initializationOptions` and
    ///     `didChangeConfiguration` are applied on top.
    ///   - loader: makes the backend for a configuration (loads the model).
    ///   - onExit: called with the exit code when `exit` arrives (0 after `shutdown`, else 1).
    public init(client: any MessageSink, configuration: ServerConfiguration = .init(), loader: @escaping BackendLoader,
                logToStderr: Bool = true, onExit: @escaping @Sendable (Int32) -> Void) {
        self.client = client
        self.loader = loader
        self.onExit = onExit
        self.logToStderr = logToStderr
        self.state = Locked(ServerState(configuration: configuration))
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self)
        self.inbox = continuation
        Task { [self] in
            for await message in stream {
                await process(message)
                // Let the request just started run before the next one starts: a client that
                // pipelines thousands must not make thousands of tasks wait at once.
                await Task.yield()
            }
        }
    }

    /// Hands one incoming message to the server. Safe to call from any thread; messages are
    /// handled in the order of the calls.
    public func receive(_ message: Message) {
        switch message {
        case .notification(CancelRequestNotification.method, let params):
            // Not started yet (still queued behind other messages) is remembered for when it starts.
            if let id = params["id"].flatMap(RequestID.init(json:)) {
                requests.withLock { $0.cancel(id) }?.cancel(.cancelledByClient)
            }
        case .response(let id, let result):
            outgoing.withLock { $0.pending.removeValue(forKey: id) }?.resume(returning: result)
        case .errorResponse(let id?, let error):
            outgoing.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: error)
        default:
            inbox.yield(message)
        }
    }

    /// The end of input: stop the loop.
    public func close() { inbox.finish() }

    // MARK: - The message loop

    private func process(_ message: Message) async {
        switch message {
        case .notification(let method, let params):
            handleNotification(method, params)
        case .request(let id, let method, let params):
            startRequest(id: id, method: method, params: params)
        case .errorResponse(nil, let error):
            log("client reported an error without an id: \(error.message)", type: 2)
        case .response, .errorResponse:
            break
        }
    }

    private func handleNotification(_ method: String, _ params: JSONValue) {
        if method == ExitNotification.method {
            let code: Int32 = state.withLock { $0.phase == .shuttingDown } ? 0 : 1
            close()
            onExit(code)
            return
        }
        guard let type = MessageRegistry.notifications[method] else {
            if !method.hasPrefix("$/") { log("ignored unknown notification \(method)", type: 4) }
            return
        }
        guard state.withLock({ $0.phase }) != .uninitialized else {
            log("ignored \(method) before initialize", type: 2)
            return
        }
        let notification: any NotificationType
        do {
            notification = try JSONValueDecoder().decodeParams(type, method: method, from: params)
        } catch {
            log(error.message, type: 1)
            if method == DidChangeTextDocumentNotification.method, let uri = params["textDocument"]?["uri"]?.stringValue {
                lostStep(uri, because: "a textDocument/didChange for it could not be read (\(error.message))")
            }
            return
        }
        switch notification {
        case is InitializedNotification:
            startModelLoad()
        case let n as SetTraceNotification:
            state.withLock { $0.trace = n.value }
        case let n as DidChangeConfigurationNotification:
            changeConfiguration(n.settings)
        case let n as DidOpenTextDocumentNotification:
            let d = n.textDocument
            state.withLock {
                $0.documents[d.uri] = Document(uri: d.uri, languageId: d.languageId, version: d.version, text: d.text)
                $0.outOfStep.remove(d.uri)
                $0.touch(d.uri)
            }
            Task { await warm(d.uri) }
        case let n as DidChangeTextDocumentNotification:
            didChange(n)
        case let n as DidSaveTextDocumentNotification:
            if let text = n.text {
                state.withLock { s in
                    s.documents[n.textDocument.uri]?.apply(.init(text: text), encoding: s.encoding)
                    s.outOfStep.remove(n.textDocument.uri)
                }
            }
        case let n as DidCloseTextDocumentNotification:
            let uri = n.textDocument.uri
            state.withLock {
                $0.documents[uri] = nil
                $0.outOfStep.remove(uri)
                $0.recency.removeAll { $0 == uri }
            }
            requests.withLock { $0.close(uri) }
            Task { await model.loaded?.forget(uri) }
            MemoryRelease.afterClosing()
        default:
            break  // server-to-client notifications arriving here are ignored
        }
    }

    private func didChange(_ n: DidChangeTextDocumentNotification) {
        let uri = n.textDocument.uri
        let missing: Bool = state.withLock { s in
            guard var document = s.documents[uri] else { return true }
            for change in n.contentChanges { document.apply(change, encoding: s.encoding) }
            document.version = n.textDocument.version
            s.documents[uri] = document
            if n.contentChanges.contains(where: { $0.range == nil }) { s.outOfStep.remove(uri) }
            s.touch(uri)
            return false
        }
        if missing { log("didChange for \(uri), which is not open; send didOpen first", type: 2) }
    }

    /// A change to `uri` was lost, so the server's copy may differ from the editor's: say so, and
    /// answer no completion from it until a full-text change or a reopen heals it.
    private func lostStep(_ uri: DocumentURI, because reason: String) {
        let (known, firstTime): (Bool, Bool) = state.withLock { s in
            guard s.documents[uri] != nil else { return (false, false) }
            let first = !s.toldUserAboutLostStep
            s.toldUserAboutLostStep = true
            s.outOfStep.insert(uri)
            return (true, first)
        }
        guard known else { return }
        let message = "\(uri) may differ from the editor's copy: \(reason). No completions for it until it is reopened "
            + "or its whole text is sent again."
        log(message, type: 1)
        if firstTime { sendNotification(ShowMessageNotification(type: 2, message: "infill: " + message)) }
    }

    private func changeConfiguration(_ settings: JSONValue?) {
        let (warnings, reload): ([String], Bool) = state.withLock { s in
            var next = s.configuration
            let warnings = next.apply(settings)
            let reload = s.configuration.needsReload(for: next)
            s.configuration = next
            return (warnings, reload)
        }
        for w in warnings { log(w, type: 2) }
        if reload { startModelLoad() }
    }

    // MARK: - Requests

    private func startRequest(id: RequestID, method: String, params: JSONValue) {
        let phase = state.withLock { $0.phase }
        if method == InitializeRequest.method {
            guard phase == .uninitialized else {
                return reply(id, .failure(.invalidRequest("initialize was already received")))
            }
            return reply(id, encodeResult {
                self.initialize(try JSONValueDecoder().decodeParams(InitializeRequest.self, method: method, from: params))
            })
        }
        switch phase {
        case .uninitialized: return reply(id, .failure(.serverNotInitialized))
        case .shuttingDown: return reply(id, .failure(.invalidRequest("\(method) after shutdown; send exit")))
        case .running: break
        }
        guard let type = MessageRegistry.requests[method] else { return reply(id, .failure(.methodNotFound(method))) }
        let request: any RequestType
        do {
            request = try JSONValueDecoder().decodeParams(type, method: method, from: params)
        } catch {
            return reply(id, .failure(error))
        }
        if request is ShutdownRequest {
            state.withLock { $0.phase = .shuttingDown }
            requests.withLock { $0.cancelAll() }
            return reply(id, .success(.null))
        }

        // Snapshot in arrival order; a completion supersedes the previous one for its document.
        let flag = CancellationFlag()
        let completing = Self.completionURI(request)
        let snapshot = state.current
        requests.withLock { $0.start(id, flag: flag, completing: completing) }
        Task { [self] in
            let result: Result<JSONValue, ResponseError>
            do {
                result = .success(try await handle(request, snapshot: snapshot, flag: flag))
            } catch let error as ResponseError {
                result = .failure(error)
            } catch is CancellationError {
                result = .success(.null)
            } catch {
                result = .failure(.requestFailed("\(method) failed: \(error)"))
            }
            requests.withLock { $0.finish(id, flag: flag, completing: completing) }
            // A request the client cancelled and that produced nothing says so; a superseded one
            // answers null, which editors ignore quietly.
            if flag.cancellationReason == .cancelledByClient, case .success(.null) = result {
                reply(id, .failure(.cancelled))
            } else {
                reply(id, result)
            }
        }
    }

    private static func completionURI(_ request: any RequestType) -> DocumentURI? {
        switch request {
        case let r as InlineCompletionRequest: return r.textDocument.uri
        case let r as CompletionRequest: return r.textDocument.uri
        default: return nil
        }
    }

    private func handle(_ request: any RequestType, snapshot: ServerState, flag: CancellationFlag) async throws -> JSONValue {
        let encoder = JSONValueEncoder()
        switch request {
        case let r as InlineCompletionRequest:
            return try encoder.encode(await inlineCompletion(r, snapshot: snapshot, flag: flag))
        case let r as CompletionRequest:
            return try encoder.encode(await completion(r, snapshot: snapshot, flag: flag))
        case let r as CodeActionRequest:
            return try encoder.encode(codeActions(r, snapshot: snapshot))
        case let r as CodeActionResolveRequest:
            return try encoder.encode(await resolveCodeAction(r.codeAction, flag: flag))
        case let r as ExecuteCommandRequest:
            return try encoder.encode(await executeCommand(r, flag: flag))
        case is StatusRequest:
            var stats = self.stats.current
            stats.model = await model.loaded?.modelDescription ?? snapshot.configuration.backendDescription
            stats.modelState = await model.stateDescription
            return try encoder.encode(stats)
        default:
            throw ResponseError.methodNotFound(type(of: request).method)
        }
    }

    private func reply(_ id: RequestID, _ result: Result<JSONValue, ResponseError>) {
        switch result {
        case .success(let value): client.send(.response(id: id, result: value))
        case .failure(let error): client.send(.errorResponse(id: id, error: error))
        }
    }

    private func encodeResult<R: ResponseType>(_ body: () throws -> R) -> Result<JSONValue, ResponseError> {
        do {
            return .success(try JSONValueEncoder().encode(body()))
        } catch let error as ResponseError {
            return .failure(error)
        } catch {
            return .failure(.internalError("\(error)"))
        }
    }

    // MARK: - Lifecycle

    private func initialize(_ request: InitializeRequest) -> InitializeResult {
        let offered = request.capabilities.general?.positionEncodings ?? []
        let encoding: PositionEncodingKind = offered.contains("utf-8") ? .utf8 : .utf16
        let warnings: [String] = state.withLock { s in
            s.phase = .running
            s.encoding = encoding
            s.capabilities = request.capabilities
            s.trace = request.trace ?? "off"
            return s.configuration.apply(request.initializationOptions)
        }
        for w in warnings { log(w, type: 2) }
        return InitializeResult(
            capabilities: ServerCapabilities(
                positionEncoding: encoding,
                textDocumentSync: .init(openClose: true, change: TextDocumentSyncOptions.incremental, save: true),
                inlineCompletionProvider: true,
                completionProvider: .init(triggerCharacters: Self.triggerCharacters, resolveProvider: false),
                codeActionProvider: .init(codeActionKinds: [Self.docstringActionKind], resolveProvider: true),
                executeCommandProvider: .init(commands: [Self.generateDocstringCommand, IndentBelowEdits.command])),
            serverInfo: .init(name: "infill", version: InfillVersion.description))
    }

    // MARK: - Model loading with progress

    private func startModelLoad() {
        let (configuration, token, useProgress): (ServerConfiguration, Int, Bool) = state.withLock { s in
            s.progressCounter += 1
            s.modelLoadStarted = true
            return (s.configuration, s.progressCounter, s.capabilities.window?.workDoneProgress ?? false)
        }
        let tokenValue = JSONValue.string("infill/model-load/\(token)")
        let name = configuration.backend == "llama-server" ? "llama-server at \(configuration.url)"
            : (configuration.modelPath() as NSString).lastPathComponent
        // Progress goes out in order, after the client has accepted the token.
        let (events, progress) = AsyncStream.makeStream(of: WorkDoneProgress.self)
        Task { [self] in
            var accepted = false
            if useProgress {
                accepted = (try? await sendRequest(CreateWorkDoneProgressRequest(token: tokenValue))) != nil
            }
            for await value in events where accepted {
                sendNotification(ProgressNotification(token: tokenValue, value: value))
            }
        }
        progress.yield(WorkDoneProgress(kind: "begin", title: "Loading \(name)", percentage: 0, cancellable: false))
        log("loading model \(configuration.backendDescription)", type: 3)
        Task { [self] in
            await model.load(configuration, loader: loader, progress: { message, percentage in
                progress.yield(WorkDoneProgress(kind: "report", message: message, percentage: percentage))
            }, done: { [self] failure in
                if let failure {
                    progress.yield(WorkDoneProgress(kind: "end", message: "failed: \(failure)"))
                    log("could not load model \(configuration.model): \(failure)", type: 1)
                } else {
                    progress.yield(WorkDoneProgress(kind: "end", message: "\(name) ready"))
                    log("model \(name) ready", type: 3)
                    // Opened while the model loaded: the document the user looks at now.
                    if let uri = state.withLock({ $0.recency.first }) { Task { await warm(uri) } }
                }
                progress.finish()
            })
        }
    }

    // MARK: - Generation

    /// Runs one generation with the model, one at a time; nil when cancelled, superseded, the
    /// model is unavailable, or the document changed meanwhile. The input (copies of the
    /// document's text) is made only once the engine is this request's: a queue of waiting
    /// requests must not hold a copy each.
    func generate(flag: CancellationFlag, timeLimitMs: Int, _ makeInput: () -> CompletionInput) async throws -> CompletionOutput? {
        if !state.withLock({ $0.modelLoadStarted }) { startModelLoad() }  // a client that skipped `initialized`
        guard let backend = await model.backend(flag) else { return nil }
        guard await generation.acquire(flag) else { return nil }
        defer { Task { await generation.release() } }
        if flag.isCancelled { return nil }
        var input = makeInput()
        let started = ContinuousClock.now
        input.deadline = started + .milliseconds(timeLimitMs)
        let output: CompletionOutput
        do {
            let cancellation = CancellationToken()
            flag.onCancel { cancellation.cancel() }
            output = try await backend.complete(input, cancellation: cancellation)
        } catch is CancellationError {
            stats.withLock { $0.generations += 1; $0.cancelledOrDropped += 1 }
            return nil
        } catch {
            // The model failed this request (llama-server down or restarting): say why, answer nothing;
            // the next request tries again.
            stats.withLock { $0.generations += 1; $0.cancelledOrDropped += 1 }
            log("completion failed: \(error)", type: 1)
            return nil
        }
        let elapsed = ContinuousClock.now - started
        let (current, trace) = state.withLock { ($0.documents[input.uri]?.version, $0.trace) }
        let usable = !flag.isCancelled && current == input.version  // else stale: the user kept typing
        stats.withLock { s in
            s.generations += 1
            s.cancelledOrDropped += usable ? 0 : 1
            s.promptTokens += output.promptTokens
            s.reusedPromptTokens += output.reusedPromptTokens
            s.generatedTokens += output.generatedTokens
            s.lastPromptTokens = output.promptTokens
            s.lastReusedTokens = output.reusedPromptTokens
            s.lastLatencyMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        }
        if trace != "off" {
            let ms = Int((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded())
            log("\(input.mode) \(input.uri) v\(input.version): \(ms) ms, prompt \(output.promptTokens) tokens "
                + "(\(output.reusedPromptTokens) reused), \(output.generatedTokens) generated"
                + "\(output.answeredEarly ? ", answered early" : "")\(usable ? "" : ", dropped")", type: 4)
        }
        return usable ? output : nil
    }

    /// Tells the backend that `uri` was opened, with the cursor guessed at the document's end: that
    /// prompt holds the text before any cursor of a document that fits the prompt, which later
    /// prompts reuse.
    private func warm(_ uri: DocumentURI) async {
        guard let backend = await model.loaded else { return }
        let snapshot = state.current
        guard let document = snapshot.documents[uri], !snapshot.outOfStep.contains(uri) else { return }
        backend.documentOpened(completionInput(.inline, document, cursor: document.bytes.count, snapshot))
    }

    private func completionInput(_ mode: CompletionInput.Mode, _ document: Document, cursor: Int,
                                 _ snapshot: ServerState, invoked: Bool = false) -> CompletionInput {
        let c = snapshot.configuration
        return CompletionInput(
            mode: mode, uri: document.uri, languageId: document.languageId, version: document.version,
            prefix: String(decoding: document.bytes[..<cursor], as: UTF8.self),
            suffix: String(decoding: document.bytes[cursor...], as: UTF8.self),
            otherDocuments: c.extraContext ? snapshot.otherDocuments(than: document.uri) : [],
            maxNewTokens: c.maxNewTokens, multiline: c.multiline, contextTokens: c.contextTokens,
            lineEnding: document.lineEnding, precompute: c.precompute, invoked: invoked)
    }

    private func document(_ uri: DocumentURI, in snapshot: ServerState) throws -> Document {
        guard let document = snapshot.documents[uri] else {
            throw ResponseError.invalidParams("document \(uri) is not open; send textDocument/didOpen first")
        }
        return document
    }

    /// The document to complete in, or nil when it is out of step with the editor (`lostStep`):
    /// an edit computed on the wrong text would damage the user's file.
    private func documentInStep(_ uri: DocumentURI, in snapshot: ServerState) throws -> Document? {
        let document = try document(uri, in: snapshot)
        return snapshot.outOfStep.contains(uri) ? nil : document
    }

    // MARK: - Features

    private func inlineCompletion(_ r: InlineCompletionRequest, snapshot: ServerState, flag: CancellationFlag) async throws
        -> InlineCompletionList?
    {
        guard let document = try documentInStep(r.textDocument.uri, in: snapshot) else { return nil }
        let cursor = document.offset(of: r.position, encoding: snapshot.encoding)
        guard let output = try await generate(flag: flag, timeLimitMs: snapshot.configuration.timeLimitMs, {
            var input = completionInput(.inline, document, cursor: cursor, snapshot, invoked: r.context.triggerKind == 1)
            // Ghost text the editor asked for while the user types shows soon and grows; one the user
            // asked for is finished first.
            input.firstAnswer = input.invoked ? .whenFinished : snapshot.configuration.firstAnswer
            return input
        }), !output.middle.allSatisfy(\.isWhitespace)
        else { return nil }
        let item = InlineCompletionItems.item(output, document: document, cursor: cursor, encoding: snapshot.encoding)
        guard inside(item.range.map { [$0] } ?? [], document, snapshot.encoding) else { return nil }
        return InlineCompletionList(items: [item])
    }

    private func completion(_ r: CompletionRequest, snapshot: ServerState, flag: CancellationFlag) async throws
        -> CompletionList?
    {
        guard let document = try documentInStep(r.textDocument.uri, in: snapshot) else {
            return CompletionList(isIncomplete: true, items: [])
        }
        let cursor = document.offset(of: r.position, encoding: snapshot.encoding)
        guard let output = try await generate(flag: flag, timeLimitMs: snapshot.configuration.timeLimitMs, {
            completionInput(.completion, document, cursor: cursor, snapshot, invoked: r.context?.triggerKind == 1)
        }), !output.middle.allSatisfy(\.isWhitespace)
        else { return CompletionList(isIncomplete: true, items: []) }
        let items = MenuCompletionItems.items(output, document: document, cursor: cursor, encoding: snapshot.encoding)
            .filter { inside(([$0.textEdit].compactMap { $0 } + ($0.additionalTextEdits ?? [])).map(\.range), document, snapshot.encoding) }
        return CompletionList(isIncomplete: true, items: items)
    }

    static let docstringActionKind = "refactor.rewrite"
    static let docstringTitle = "Generate docstring"

    private func codeActions(_ r: CodeActionRequest, snapshot: ServerState) throws -> [CodeAction]? {
        if let only = r.context.only, !only.contains(where: { Self.docstringActionKind.hasPrefix($0) }) { return [] }
        guard let document = try documentInStep(r.textDocument.uri, in: snapshot) else { return [] }
        let lines = (0..<document.lineCount).map(document.lineText)
        guard let site = Docstrings.locate(lines: lines, cursorLine: r.range.start.line, languageId: document.languageId)
        else { return [] }
        let data: JSONValue = ["uri": .string(document.uri), "line": .int(site.functionLine)]
        if snapshot.clientResolvesCodeActionEdits {
            return [CodeAction(title: Self.docstringTitle, kind: Self.docstringActionKind, data: data)]
        }
        return [CodeAction(
            title: Self.docstringTitle, kind: Self.docstringActionKind,
            command: Command(title: Self.docstringTitle, command: Self.generateDocstringCommand, arguments: [data]))]
    }

    private func resolveCodeAction(_ action: CodeAction, flag: CancellationFlag) async throws -> CodeAction {
        guard let data = action.data else { return action }
        var resolved = action
        resolved.edit = try await docstringEdit(data, flag: flag)
        return resolved
    }

    private func executeCommand(_ r: ExecuteCommandRequest, flag: CancellationFlag) async throws -> JSONValue? {
        if r.command == IndentBelowEdits.command { return try await indentLines(r) }
        guard r.command == Self.generateDocstringCommand else {
            throw ResponseError.invalidParams(
                "unknown command \(r.command); this server offers \(Self.generateDocstringCommand) and \(IndentBelowEdits.command)")
        }
        guard let data = r.arguments?.first else {
            throw ResponseError.invalidParams("\(r.command) needs one argument {uri, line}")
        }
        guard let edit = try await docstringEdit(data, flag: flag) else { return nil }
        let result = try await sendRequest(ApplyEditRequest(label: Self.docstringTitle, edit: edit))
        if !result.applied { log("client did not apply the docstring: \(result.failureReason ?? "no reason given")", type: 2) }
        return nil
    }

    /// The indentation an accepted inline completion adds to the code below it (`IndentBelowEdits`).
    private func indentLines(_ r: ExecuteCommandRequest) async throws -> JSONValue? {
        guard let arguments = r.arguments?.first, let uri = arguments["uri"]?.stringValue else {
            throw ResponseError.invalidParams("\(r.command) needs one argument {uri, line, lines, indentation}")
        }
        let snapshot = state.current
        guard let document = try documentInStep(uri, in: snapshot) else { return nil }
        guard let edits = try IndentBelowEdits.edits(forCommand: arguments, in: document) else {
            log("\(r.command): the lines below the completion changed; left as they are", type: 3)
            return nil
        }
        guard inside(edits.map(\.range), document, snapshot.encoding) else { return nil }
        let result = try await sendRequest(ApplyEditRequest(label: IndentBelowEdits.title, edit: WorkspaceEdit(changes: [uri: edits])))
        if !result.applied { log("client did not apply the indentation: \(result.failureReason ?? "no reason given")", type: 2) }
        return nil
    }

    /// The workspace edit inserting a docstring for the function named by `data` ({uri, line}),
    /// on the document as it is now. Nil when there is nothing to document or no model.
    private func docstringEdit(_ data: JSONValue, flag: CancellationFlag) async throws -> WorkspaceEdit? {
        guard let uri = data["uri"]?.stringValue, let line = data["line"]?.intValue else {
            throw ResponseError.invalidParams("code action data must be {uri, line}")
        }
        let snapshot = state.withLock { $0 }
        guard let document = try documentInStep(uri, in: snapshot) else { return nil }
        let lines = (0..<document.lineCount).map(document.lineText)
        guard let site = Docstrings.locate(lines: lines, cursorLine: line, languageId: document.languageId) else { return nil }
        let limit = max(snapshot.configuration.timeLimitMs, 10_000)
        guard let output = try await generate(flag: flag, timeLimitMs: limit, {
            let (prefix, suffix, stop) = Docstrings.prompt(document: document, site: site)
            var input = completionInput(.docstring, document, cursor: 0, snapshot)
            input.prefix = prefix
            input.suffix = suffix
            input.stop = stop
            input.maxNewTokens = snapshot.configuration.docstringMaxNewTokens
            input.multiline = .always
            return input
        }),
              let edit = Docstrings.edit(middle: output.middle, site: site, document: document, encoding: snapshot.encoding),
              inside([edit.range], document, snapshot.encoding)
        else { return nil }
        return WorkspaceEdit(changes: [uri: [edit]])
    }

    /// The one check of every edit the server sends: it must lie inside the document it edits.
    /// One that does not is a bug here; it is logged and not sent.
    private func inside(_ ranges: [Range], _ document: Document, _ encoding: PositionEncodingKind) -> Bool {
        guard let outside = ranges.first(where: { !document.contains($0, encoding: encoding) }) else { return true }
        log("internal error: an edit at \(outside.start.line):\(outside.start.character)-"
            + "\(outside.end.line):\(outside.end.character) reaches past the end of \(document.uri) "
            + "(\(document.lineCount) lines); not sent", type: 1)
        return false
    }

    // MARK: - Talking to the client

    func sendNotification<N: NotificationType>(_ notification: N) {
        guard let message = try? Message.notification(notification) else { return }
        client.send(message)
    }

    /// Sends a request to the client and waits for its answer.
    func sendRequest<R: RequestType>(_ request: R) async throws -> R.Response {
        let params = try JSONValueEncoder().encode(request)
        let result: JSONValue = try await withCheckedThrowingContinuation { continuation in
            let id: RequestID = outgoing.withLock { o in
                let id = RequestID.string("infill-\(o.next)")
                o.next += 1
                o.pending[id] = continuation
                return id
            }
            client.send(.request(id: id, method: R.method, params: params))
        }
        return try JSONValueDecoder().decode(R.Response.self, from: result)
    }

    /// Logs as `window/logMessage` (1 error … 4 log) and, except debug-level messages, to stderr
    /// (editors file a server's stderr as errors, so it stays quiet).
    func log(_ message: String, type: Int) {
        if logToStderr && type <= 3 {
            FileHandle.standardError.write(Data("infill: \(message)\n".utf8))
        }
        sendNotification(LogMessageNotification(type: type, message: message))
    }
}
