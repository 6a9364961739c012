import Completion
import CompletionBackend
import LSPProtocol
import XCTest
@testable import LanguageServer

/// A completion whose last line is a header over the code below also indents that code: inline items
/// through a command the editor runs after inserting them, menu items through additionalTextEdits.
final class IndentBelowTests: XCTestCase {
    static let document = "def f(s):\n    depth = 0\n    for b in s:\n1️⃣\n            return False\n    return True\n"
    static let middle = "        depth += 1\n        if depth < 0:"
    static let indent = IndentBelow(firstLine: 1, lines: ["            return False"], indentation: "    ")

    func client() async throws -> TestClient {
        let client = TestClient(backend: ScriptedBackend(output: { _ in
            CompletionOutput(middle: Self.middle, indentBelow: Self.indent)
        }))
        try await client.initialize()
        return client
    }

    func testInlineItemIndentsTheCodeBelowThroughItsCommandOnceInserted() async throws {
        let client = try await client()
        let pos = client.open("file:///a.py", "python", Self.document)
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        let item = try XCTUnwrap(list?.items.first)
        XCTAssertEqual(item.insertText, Self.middle)
        let command = try XCTUnwrap(item.command)
        XCTAssertEqual(command.command, IndentBelowEdits.command)
        XCTAssertEqual(command.arguments?.first?["line"], .int(5), "line 3 + the item's line break + 1")

        // The editor inserts the item, then runs its command.
        let accepted = Self.document.replacingOccurrences(of: "1️⃣", with: Self.middle)
        client.notify(DidChangeTextDocumentNotification(textDocument: .init(uri: "file:///a.py", version: 2),
                                                        contentChanges: [.init(text: accepted)]))
        _ = try await client.send(ExecuteCommandRequest(command: command.command, arguments: command.arguments))
        let apply = try XCTUnwrap(client.requestsFromServer.first { $0.method == "workspace/applyEdit" })
        let edit = try JSONValueDecoder().decode(ApplyEditRequest.self, from: apply.params).edit
        XCTAssertEqual(edit.changes?["file:///a.py"], [TextEdit(range: Range(Position(line: 5, character: 0)), newText: "    ")])
    }

    func testCommandLeavesLinesThatChangedSinceAlone() async throws {
        let client = try await client()
        let pos = client.open("file:///a.py", "python", Self.document)
        let list = try await client.send(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        let command = try XCTUnwrap(list?.items.first?.command)
        // Not accepted: the document still has the blank line, so line 5 is `    return True`.
        _ = try await client.send(ExecuteCommandRequest(command: command.command, arguments: command.arguments))
        XCTAssertFalse(client.requestsFromServer.contains { $0.method == "workspace/applyEdit" })
    }

    func testMenuItemCarriesTheIndentationAsAdditionalEdits() async throws {
        let client = try await client()
        let pos = client.open("file:///a.py", "python", Self.document)
        let list = try await client.send(CompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!))
        let items = try XCTUnwrap(list?.items)
        XCTAssertEqual(items.first?.additionalTextEdits, [TextEdit(range: Range(Position(line: 4, character: 0)), newText: "    ")])
        XCTAssertTrue(items.dropFirst().allSatisfy { $0.additionalTextEdits == nil }, "the one-line variant has no header")
    }
}
