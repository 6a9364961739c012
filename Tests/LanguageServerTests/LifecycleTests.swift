import CompletionBackend
import JSONRPC
import LSPProtocol
import XCTest
@testable import LanguageServer

final class LifecycleTests: XCTestCase {
    func testRequestsBeforeInitializeAreRejected() async throws {
        let client = TestClient()
        do {
            _ = try await client.send(ShutdownRequest())
            XCTFail("expected ServerNotInitialized")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.serverNotInitializedCode)
        }
    }

    func testInitializeNegotiatesEncodingAndAdvertisesFeatures() async throws {
        let utf8 = try await TestClient().initialize(encodings: ["utf-16", "utf-8"])
        XCTAssertEqual(utf8.capabilities.positionEncoding, .utf8, "utf-8 preferred when offered")
        let utf16 = try await TestClient().initialize(encodings: nil)
        XCTAssertEqual(utf16.capabilities.positionEncoding, .utf16, "utf-16 otherwise")
        let caps = utf16.capabilities
        XCTAssertEqual(caps.textDocumentSync?.change, 2)
        XCTAssertEqual(caps.inlineCompletionProvider, true)
        XCTAssertTrue(caps.completionProvider?.triggerCharacters?.contains(".") ?? false)
        XCTAssertTrue(caps.completionProvider?.triggerCharacters?.contains("\n") ?? false)
        XCTAssertEqual(caps.codeActionProvider?.resolveProvider, true)
        XCTAssertEqual(caps.executeCommandProvider?.commands, [LanguageServer.generateDocstringCommand, IndentBelowEdits.command])
    }

    func testSecondInitializeIsAnError() async throws {
        let client = TestClient()
        try await client.initialize()
        do {
            _ = try await client.send(InitializeRequest())
            XCTFail("expected an error")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.invalidRequestCode)
        }
    }

    func testUnknownRequestAndNotification() async throws {
        let client = TestClient()
        try await client.initialize()
        client.sendRaw(.notification(method: "custom/whatever", params: ["x": 1]))
        client.sendRaw(.notification(method: "$/unknownDollar", params: [:]))
        do {
            _ = try await client.send(UnknownRequest())
            XCTFail("expected MethodNotFound")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.methodNotFoundCode)
            XCTAssertTrue(error.message.contains("custom/unknown"))
        }
        // Still serving.
        let done = try await client.send(ShutdownRequest())
        XCTAssertEqual(done, VoidResponse())
    }

    func testBadParamsAreInvalidParamsNamingTheField() async throws {
        let client = TestClient()
        try await client.initialize()
        do {
            _ = try await client.send(BadCompletion())
            XCTFail("expected InvalidParams")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.invalidParamsCode)
            XCTAssertTrue(error.message.contains("position"), error.message)
        }
    }

    func testShutdownThenExitIsZero() async throws {
        let client = TestClient()
        try await client.initialize()
        _ = try await client.send(ShutdownRequest())
        do {
            _ = try await client.send(CompletionRequest(textDocument: .init(uri: "u"), position: .init(line: 0, character: 0)))
            XCTFail("requests after shutdown are errors")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.invalidRequestCode)
        }
        client.notify(ExitNotification())
        await client.waitUntil("exit") { client.exitCode != nil }
        XCTAssertEqual(client.exitCode, 0)
    }

    func testExitWithoutShutdownIsOne() async throws {
        let client = TestClient()
        try await client.initialize()
        client.notify(ExitNotification())
        await client.waitUntil("exit") { client.exitCode != nil }
        XCTAssertEqual(client.exitCode, 1)
    }

    func testModelLoadReportsWorkDoneProgress() async throws {
        let client = TestClient()
        try await client.initialize(progress: true)
        await client.waitUntil("progress end") {
            client.notifications.contains { $0.method == "$/progress" && $0.params["value"]?["kind"] == "end" }
        }
        XCTAssertEqual(client.requestsFromServer.first?.method, "window/workDoneProgress/create")
        let kinds = client.notifications.filter { $0.method == "$/progress" }.compactMap { $0.params["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds, ["begin", "report", "end"])
    }

    func testInitializeIsNotBlockedByLoadingAndRequestsWaitForTheModel() async throws {
        let gate = Gate()
        let backend = ScriptedBackend()
        let client = TestClient(backend: backend, loader: { _, _ in
            await gate.wait()
            return backend
        })
        try await client.initialize()  // returns while the model is still loading
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let pending = client.start(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        await gate.open()
        let list = try await pending.response.value
        XCTAssertEqual(list?.items.first?.insertText, "scripted_completion()")
    }

    func testFailedModelLoadAnswersNullAndLogs() async throws {
        struct Missing: Error, CustomStringConvertible { var description: String { "no such file; run scripts/fetch-models" } }
        let client = TestClient(loader: { _, _ in throw Missing() })
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertNil(list)
        await client.waitUntil("error log") {
            client.notifications.contains { $0.method == "window/logMessage" && $0.params["type"] == 1 }
        }
        let message = client.notifications.first { $0.params["type"] == 1 }?.params["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains("fetch-models"), message)
    }

    func testConfigurationFromInitializationOptionsAndDidChange() async throws {
        let client = TestClient()
        try await client.initialize(options: ["maxNewTokens": 7, "multiline": "never", "bogus": 1])
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(client.backend.calls.last?.maxNewTokens, 7)
        XCTAssertEqual(client.backend.calls.last?.multiline, .never)
        XCTAssertTrue(client.notifications.contains { ($0.params["message"]?.stringValue ?? "").contains("unknown setting bogus") })
        XCTAssertEqual(client.backend.calls.last?.precompute, true)
        client.notify(DidChangeConfigurationNotification(settings: ["infill": ["maxNewTokens": 9, "contextTokens": 512,
                                                                                "precompute": false]]))
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(client.backend.calls.last?.maxNewTokens, 9)
        XCTAssertEqual(client.backend.calls.last?.contextTokens, 512)
        XCTAssertEqual(client.backend.calls.last?.precompute, false)
    }

    /// didOpen tells the backend, with the cursor guessed at the end, so it can run that prompt
    /// while the user reads (`CompletionBackend.documentOpened`); a closed document is not warmed.
    func testOpenedDocumentsAreAnnouncedToTheBackend() async throws {
        let client = TestClient()
        try await client.initialize()
        _ = try await client.send(StatusRequest())  // the model is loaded
        client.open("file:///a.py", "python", "def f(x):\n    return x\n")
        await client.waitUntil("the backend hears of a.py") { !client.backend.opened.isEmpty }
        let input = try XCTUnwrap(client.backend.opened.first)
        XCTAssertEqual(input.uri, "file:///a.py")
        XCTAssertEqual(input.prefix, "def f(x):\n    return x\n")
        XCTAssertEqual(input.suffix, "")
        XCTAssertFalse(input.invoked)
    }

    func testStatusCountsGenerations() async throws {
        let client = TestClient()
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        let stats = try await client.send(StatusRequest())
        XCTAssertEqual(stats.generations, 1)
        XCTAssertEqual(stats.generatedTokens, 1)
        XCTAssertEqual(stats.modelState, "ready")
        XCTAssertEqual(stats.model, "scripted backend (no model loaded)", "a scripted backend claims no model")
        XCTAssertNotNil(stats.lastLatencyMs)
    }

    func testVerboseTraceLogsEachGeneration() async throws {
        let client = TestClient()
        try await client.initialize()
        client.notify(SetTraceNotification(value: "verbose"))
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        await client.waitUntil("a generation log line") {
            client.notifications.contains { ($0.params["message"]?.stringValue ?? "").contains("1 generated") }
        }
    }

    /// Whether the user asked for a completion (trigger kind 1) reaches the backend, and with it when
    /// to answer: ghost text the editor asks for while the user types answers early (`firstAnswerMs`:
    /// automatic by default, a time, or off); one the user asked for, or a menu item, is finished first.
    func testTriggerKindReachesTheBackend() async throws {
        let client = TestClient()
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let uri = TextDocumentIdentifier(uri: "file:///a.py")
        let automatic = ServerConfiguration().firstAnswer
        XCTAssertEqual(automatic, .afterTokens(ServerConfiguration.autoFirstAnswerTokens))
        for (request, invoked, firstAnswer) in [
            (InlineCompletionRequest(textDocument: uri, position: pos["1️⃣"]!, context: .init(triggerKind: 1)) as any RequestType, true, FirstAnswer.whenFinished),
            (InlineCompletionRequest(textDocument: uri, position: pos["1️⃣"]!, context: .init(triggerKind: 2)), false, automatic),
            (CompletionRequest(textDocument: uri, position: pos["1️⃣"]!, context: .init(triggerKind: 1)), true, .whenFinished),
            (CompletionRequest(textDocument: uri, position: pos["1️⃣"]!), false, .whenFinished),
        ] {
            _ = try await client.send(request)
            XCTAssertEqual(client.backend.calls.last?.invoked, invoked, "\(request)")
            XCTAssertEqual(client.backend.calls.last?.firstAnswer, firstAnswer, "\(request)")
        }
        let typing = InlineCompletionRequest(textDocument: uri, position: pos["1️⃣"]!, context: .init(triggerKind: 2))
        client.notify(DidChangeConfigurationNotification(settings: ["firstAnswerMs": 250]))
        _ = try await client.send(typing)
        XCTAssertEqual(client.backend.calls.last?.firstAnswer, .after(.milliseconds(250)))
        client.notify(DidChangeConfigurationNotification(settings: ["firstAnswerMs": 0]))
        _ = try await client.send(typing)
        XCTAssertEqual(client.backend.calls.last?.firstAnswer, .whenFinished)
    }

    func testFirstAnswerSetting() {
        var c = ServerConfiguration()
        XCTAssertNil(c.firstAnswerMs, "auto")
        XCTAssertEqual(c.apply(["firstAnswerMs": 300]), [])
        XCTAssertEqual(c.firstAnswer, .after(.milliseconds(300)))
        XCTAssertEqual(c.apply(["firstAnswerMs": "auto"]), [])
        XCTAssertEqual(c.firstAnswer, .afterTokens(ServerConfiguration.autoFirstAnswerTokens))
        XCTAssertEqual(c.apply(["firstAnswerMs": -5]).count, 1)
        XCTAssertNil(c.firstAnswerMs, "a bad value is ignored")
        XCTAssertFalse(ServerConfiguration().needsReload(for: c))
    }

    /// `draftTokens` is read, bounded, and reloads the model (the session is built with it).
    func testDraftTokensSetting() {
        var c = ServerConfiguration()
        XCTAssertEqual(c.draftTokens, 8)
        let old = c
        XCTAssertEqual(c.apply(["draftTokens": 0]), [])
        XCTAssertEqual(c.draftTokens, 0)
        XCTAssertTrue(old.needsReload(for: c))
        let warnings = c.apply(["draftTokens": 9])
        XCTAssertEqual(c.draftTokens, 0, "out of range: ignored")
        XCTAssertTrue(warnings.first?.contains("draftTokens must be an integer from 0 to 8") == true, "\(warnings)")
    }

    func testModelPathResolution() {
        var c = ServerConfiguration()
        let env = ["HOME": "/home/u", "INFILL_CACHE": "/cache"]
        XCTAssertEqual(c.modelPath(environment: env), "/cache/models/qwen2.5-coder-1.5b.gguf")
        XCTAssertEqual(c.modelPath(environment: ["HOME": "/home/u"]), "/home/u/.cache/infill/models/qwen2.5-coder-1.5b.gguf")
        c.model = "~/m/x.gguf"
        XCTAssertEqual(c.modelPath(environment: env), "/home/u/m/x.gguf")
        c.model = "./rel.gguf"
        XCTAssertEqual(c.modelPath(environment: env), "./rel.gguf")
    }
}

struct UnknownRequest: RequestType {
    static let method = "custom/unknown"
    typealias Response = JSONValue
}

struct BadCompletion: RequestType {
    static let method = "textDocument/completion"
    typealias Response = CompletionList?
    var textDocument = TextDocumentIdentifier(uri: "u")
}

actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}
