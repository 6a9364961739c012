import CompletionBackend
import XCTest
import JSONRPC
import LSPProtocol
@testable import LanguageServer

/// Regression tests for what a hostile client's fuzzing found: each once killed, silenced or
/// desynchronised the server.
final class HostileInputTests: XCTestCase {
    func client(_ script: @escaping ScriptedBackend.Script = ScriptedBackend.defaultScript,
                options: JSONValue? = nil) async throws -> TestClient {
        let client = TestClient(backend: ScriptedBackend(script: script))
        try await client.initialize(options: options)
        return client
    }

    func testIndentLinesWithTheLargestLineNumberIsRefusedNotTrapped() async throws {
        let client = try await client()
        client.open("file:///a.py", "python", "x = 1\ny = 2\n")
        for line in [Int.max, Int.max - 1, Int.min, -1] {
            let arguments: JSONValue = ["uri": "file:///a.py", "line": .int(line), "lines": ["y = 2"], "indentation": "    "]
            let answer = try await client.send(ExecuteCommandRequest(command: IndentBelowEdits.command, arguments: [arguments]))
            XCTAssertNil(answer, "line \(line)")
        }
        XCTAssertFalse(client.requestsFromServer.contains { $0.method == ApplyEditRequest.method }, "no edit for lines that are not there")
    }

    func testHugeContextTokensIsIgnoredWithAWarningAndCompletionsStillWork() async throws {
        let client = try await client({ _ in "1" }, options: ["contextTokens": 4_611_686_018_427_387_904, "timeLimitMs": 1e300])
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.first?.insertText, "1")
        XCTAssertEqual(client.backend.calls.last?.contextTokens, ServerConfiguration().contextTokens)
        let warnings = client.notifications.filter { $0.method == LogMessageNotification.method }
            .compactMap { $0.params["message"]?.stringValue }.filter { $0.contains("contextTokens") || $0.contains("timeLimitMs") }
        XCTAssertEqual(warnings.count, 2, "\(warnings)")
    }

    /// A `def` on the last line with no line break after it: the docstring goes on a new line,
    /// inside the document, never at (1, 0) of a one-line document.
    func testDocstringBelowALastLineWithoutBreakStaysInsideTheDocument() async throws {
        let client = try await client { _ in "Does f." }
        for (text, line, character) in [("def f():", 0, 8), ("x = 1\ndef g(a,\n      b):", 2, 9)] {
            let uri = "file:///\(line).py"
            client.open(uri, "python", text)
            let actions = try await client.send(CodeActionRequest(textDocument: .init(uri: uri), range: Range(Position(line: line, character: 0))))
            let action = try XCTUnwrap(actions?.first)
            let resolved = try await client.send(CodeActionResolveRequest(codeAction: action))
            let edit = try XCTUnwrap(resolved.edit?.changes?[uri]?.first)
            XCTAssertEqual(edit.range, Range(Position(line: line, character: character)), text)
            XCTAssertEqual(edit.newText, "\n    \"\"\"Does f.\"\"\"\n", text)
            var document = Document(uri: uri, languageId: "python", version: 1, text: text)
            document.apply(.init(range: edit.range, text: edit.newText), encoding: .utf16)
            XCTAssertTrue(document.text.hasSuffix(":\n    \"\"\"Does f.\"\"\"\n"), document.text)
        }
    }

    func testEditsPastTheEndAreNeverInside() {
        let document = Document(uri: "u", languageId: "python", version: 1, text: "ab\ncd")
        XCTAssertTrue(document.contains(Range(start: .init(line: 1, character: 2), end: .init(line: 1, character: 2)), encoding: .utf16))
        for (line, character) in [(2, 0), (1, 3), (0, 3), (-1, 0), (0, -1), (Int.max, 0)] {
            XCTAssertFalse(document.contains(Range(Position(line: line, character: character)), encoding: .utf16), "\(line):\(character)")
        }
    }

    /// A didChange that cannot be read leaves the server's copy behind the editor's: it says so
    /// (log, and a message shown once), answers no completion from it, and heals on a full sync.
    func testLostChangeMarksTheDocumentOutOfStepUntilAFullSync() async throws {
        let client = try await client { _ in "1" }
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let bad: JSONValue = ["textDocument": ["uri": "file:///a.py", "version": 2],
                              "contentChanges": [["range": ["start": ["line": 0.5, "character": 0], "end": ["line": 0, "character": 0]], "text": "y"]]]
        client.sendRaw(.notification(method: DidChangeTextDocumentNotification.method, params: bad))
        client.sendRaw(.notification(method: DidChangeTextDocumentNotification.method, params: bad))
        let request = InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!)
        let none = try await client.send(request)
        XCTAssertNil(none, "no completion from a document out of step")
        XCTAssertEqual(client.notifications.filter { $0.method == ShowMessageNotification.method }.count, 1, "shown once")
        client.notify(DidChangeTextDocumentNotification(textDocument: .init(uri: "file:///a.py", version: 3),
                                                        contentChanges: [.init(text: "x = ")]))
        let healed = try await client.send(request)
        XCTAssertEqual(healed?.items.first?.insertText, "1")
    }

    /// Thousands of pending requests each hold a snapshot; the request table is not part of it.
    func testManyPendingRequestsAllGetOneAnswer() async throws {
        let client = try await client()
        let tasks = (0..<2000).map { _ in client.start(StatusRequest()).response }
        var answered = 0
        for task in tasks { if (try? await task.value) != nil { answered += 1 } }
        XCTAssertEqual(answered, 2000)
    }
}
