import CompletionBackend
import JSONRPC
import LSPProtocol
import XCTest
@testable import LanguageServer

final class FeatureTests: XCTestCase {
    func client(_ script: @escaping ScriptedBackend.Script, resolve: Bool = true,
                encodings: [String] = ["utf-16"]) async throws -> TestClient {
        let client = TestClient(backend: ScriptedBackend(script: script))
        try await client.initialize(encodings: encodings, resolve: resolve)
        return client
    }

    func testInlineCompletionAtCursorGetsPrefixAndSuffix() async throws {
        let client = try await client { _ in "b + 1" }
        let pos = client.open("file:///a.py", "python", "def f(a, b):\n    return a + 1️⃣\n\nprint(f(1, 2))\n")
        client.open("file:///other.py", "python", "import os\n")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items, [InlineCompletionItem(insertText: "b + 1", range: Range(pos["1️⃣"]!))])
        let call = try XCTUnwrap(client.backend.calls.last)
        XCTAssertEqual(call.mode, .inline)
        XCTAssertEqual(call.prefix, "def f(a, b):\n    return a + ")
        XCTAssertEqual(call.suffix, "\n\nprint(f(1, 2))\n")
        XCTAssertEqual(call.languageId, "python")
        XCTAssertEqual(call.otherDocuments.map(\.uri), ["file:///other.py"])
    }

    func testInlineRangeCoversAutoInsertedClosers() async throws {
        let client = try await client { _ in "a, b))" }
        let pos = client.open("file:///a.py", "python", "print(max(1️⃣))2️⃣\n")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.first?.range, Range(start: pos["1️⃣"]!, end: pos["2️⃣"]!))
        XCTAssertEqual(list?.items.first?.insertText, "a, b))")
    }

    func testInlineRangeKeepsClosersTheMiddleDoesNotEndWith() async throws {
        let client = try await client { _ in "a, b" }
        let pos = client.open("file:///a.py", "python", "print(1️⃣)\n")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.first?.range, Range(pos["1️⃣"]!))
    }

    func testMultiByteCursorInUTF8AndUTF16() async throws {
        for encoding in ["utf-8", "utf-16"] {
            let client = try await client({ _ in "🙂" }, encodings: [encoding])
            let kind = PositionEncodingKind(rawValue: encoding)!
            let pos = client.open("file:///a.swift", "swift", "let s = \"世界😀1️⃣\"\n", encoding: kind)
            let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.swift"), position: pos["1️⃣"]!))
            XCTAssertEqual(client.backend.calls.last?.prefix, "let s = \"世界😀", encoding)
            XCTAssertEqual(list?.items.first?.range?.start, pos["1️⃣"], encoding)
        }
    }

    func testEmptyMiddleIsNoItem() async throws {
        let client = try await client { _ in "  \n" }
        let pos = client.open("file:///a.py", "python", "x1️⃣")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertNil(list)
        let menu = try await client.send(CompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(menu?.items, [])
        XCTAssertEqual(menu?.isIncomplete, true)
    }

    func testIncrementalChangesReachThePrompt() async throws {
        let client = try await client { _ in "x" }
        client.open("file:///a.py", "python", "ab\ncd\n")
        client.notify(DidChangeTextDocumentNotification(
            textDocument: .init(uri: "file:///a.py", version: 2),
            contentChanges: [.init(range: Range(start: .init(line: 1, character: 1), end: .init(line: 1, character: 2)), text: "😀Z"),
                             .init(range: Range(start: .init(line: 0, character: 0), end: .init(line: 0, character: 1)), text: "")]))
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: .init(line: 1, character: 3)))
        XCTAssertEqual(client.backend.calls.last?.prefix, "b\nc😀")
        XCTAssertEqual(client.backend.calls.last?.version, 2)
        client.notify(DidChangeTextDocumentNotification(textDocument: .init(uri: "file:///a.py", version: 3), contentChanges: [.init(text: "full\r\nnew")]))
        _ = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: .init(line: 9, character: 0)))
        XCTAssertEqual(client.backend.calls.last?.prefix, "full\r\nnew")
        XCTAssertEqual(client.backend.calls.last?.lineEnding, "\r\n")
    }

    func testCompletionItemForHelix() async throws {
        let client = try await client { _ in "_value(x):\n    return x * 2\n" }
        let pos = client.open("file:///a.py", "python", "def compute1️⃣\n")
        let maybeList = try await client.send(CompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        let list = try XCTUnwrap(maybeList)
        XCTAssertTrue(list.isIncomplete)
        XCTAssertEqual(list.items.count, 2, "full and first-line variants")
        let full = list.items[0]
        XCTAssertEqual(full.textEdit?.newText, "compute_value(x):\n    return x * 2\n")
        XCTAssertEqual(full.textEdit?.range.start, Position(line: 0, character: 4), "replaces the typed word")
        XCTAssertEqual(full.textEdit?.range.end, pos["1️⃣"])
        XCTAssertTrue(full.filterText?.hasPrefix("compute") ?? false)
        XCTAssertTrue(full.label.hasPrefix("compute_value(x):"))
        XCTAssertEqual(full.documentation?.value, "```python\ncompute_value(x):\n    return x * 2\n\n```")
        XCTAssertEqual(list.items[1].textEdit?.newText, "compute_value(x):")
    }

    func testCompletionLabelIsShortened() async throws {
        let client = try await client { _ in String(repeating: "a", count: 200) }
        let pos = client.open("file:///a.py", "python", "x = 1️⃣")
        let list = try await client.send(CompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.count, 1)
        XCTAssertLessThanOrEqual(list?.items[0].label.count ?? 999, 60)
        XCTAssertEqual(list?.items[0].textEdit?.newText.count, 200)
    }

    // MARK: Docstrings

    func testDocstringCodeActionIsLazyAndResolves() async throws {
        let client = try await client { input in
            XCTAssertEqual(input.mode, .docstring)
            XCTAssertTrue(input.prefix.hasSuffix("def add(a, b):\n    \"\"\""), input.prefix)
            XCTAssertTrue(input.suffix.hasPrefix("\"\"\"\n    return a + b"), input.suffix)
            XCTAssertEqual(input.stop, ["\"\"\""])
            return "Add two numbers.\"\"\" trailing junk"
        }
        let pos = client.open("file:///a.py", "python", "import os\n\ndef add(a, b):\n    return a1️⃣ + b\n")
        let maybe = try await client.send(CodeActionRequest(textDocument: .init(uri: "file:///a.py"), range: Range(pos["1️⃣"]!)))
        let actions = try XCTUnwrap(maybe)
        XCTAssertEqual(actions.map(\.title), ["Generate docstring"])
        XCTAssertNil(actions[0].edit, "no model run before resolve")
        XCTAssertEqual(client.backend.calls.count, 0)
        let resolved = try await client.send(CodeActionResolveRequest(codeAction: actions[0]))
        let edits = try XCTUnwrap(resolved.edit?.changes?["file:///a.py"])
        XCTAssertEqual(edits, [TextEdit(range: Range(Position(line: 3, character: 0)), newText: "    \"\"\"Add two numbers.\"\"\"\n")])
    }

    func testDocstringCommandForClientsWithoutResolve() async throws {
        let client = try await client({ _ in "Greets someone.\n///   Twice.\nfunc other() {}" }, resolve: false)
        let pos = client.open("file:///a.swift", "swift", "struct S {\n    @MainActor\n    public func greet(_ name: String) {\n        print(1️⃣name)\n    }\n}\n")
        let maybe = try await client.send(CodeActionRequest(textDocument: .init(uri: "file:///a.swift"), range: Range(pos["1️⃣"]!)))
        let actions = try XCTUnwrap(maybe)
        let command = try XCTUnwrap(actions.first?.command)
        XCTAssertEqual(command.command, LanguageServer.generateDocstringCommand)
        _ = try await client.send(ExecuteCommandRequest(command: command.command, arguments: command.arguments))
        let apply = try XCTUnwrap(client.requestsFromServer.first { $0.method == "workspace/applyEdit" })
        let edit = try JSONValueDecoder().decode(ApplyEditRequest.self, from: apply.params).edit
        XCTAssertEqual(edit.changes?["file:///a.swift"], [TextEdit(range: Range(Position(line: 1, character: 0)),
                                                                 newText: "    /// Greets someone.\n    /// Twice.\n")])
    }

    func testNoDocstringActionOutsideFunctionsOrForUnknownLanguages() async throws {
        let client = try await client { _ in "x" }
        let pos = client.open("file:///a.py", "python", "x = 1️⃣1\n")
        let none = try await client.send(CodeActionRequest(textDocument: .init(uri: "file:///a.py"), range: Range(pos["1️⃣"]!)))
        XCTAssertEqual(none, [])
        client.open("file:///a.txt", "plaintext", "def f():\n  pass\n")
        let plain = try await client.send(CodeActionRequest(textDocument: .init(uri: "file:///a.txt"), range: Range(Position(line: 0, character: 0))))
        XCTAssertEqual(plain, [])
    }
}

final class BackendDecidesReplacementTests: XCTestCase {
    struct FixedBackend: CompletionBackend {
        var output: CompletionOutput
        func complete(_ input: CompletionInput, cancellation: CancellationToken) async throws -> CompletionOutput { output }
    }

    func testBackendCountOfReplacedClosersWins() async throws {
        let backend = FixedBackend(output: CompletionOutput(middle: "a, b", replacedCharactersAfterCursor: 2))
        let client = TestClient(loader: { _, _ in backend })
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "f(g(1️⃣))2️⃣ + 1\n")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.first?.range, Range(start: pos["1️⃣"]!, end: pos["2️⃣"]!))
    }

    func testBackendZeroMeansInsertOnly() async throws {
        let backend = FixedBackend(output: CompletionOutput(middle: "x)", replacedCharactersAfterCursor: 0))
        let client = TestClient(loader: { _, _ in backend })
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "f(1️⃣)\n")
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        XCTAssertEqual(list?.items.first?.range, Range(pos["1️⃣"]!))
    }
}
