import XCTest
@testable import LSPProtocol

final class CodableTests: XCTestCase {
    func roundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        let json = try JSONValueEncoder().encode(value)
        let back = try JSONValueDecoder().decode(T.self, from: json)
        XCTAssertEqual(back, value, file: file, line: line)
        return json
    }

    func testInitializeRequestRoundTripsAndOmitsNils() throws {
        let request = InitializeRequest(
            processId: 42, clientInfo: .init(name: "nvim", version: "0.12"),
            capabilities: .init(general: .init(positionEncodings: ["utf-8", "utf-16"])),
            initializationOptions: ["maxNewTokens": 32, "nested": ["a": [1, 2.5, "x", nil, true]]])
        let json = try roundTrip(request)
        XCTAssertEqual(json["processId"], 42)
        XCTAssertNil(json["rootUri"], "nil optionals are left out")
        XCTAssertEqual(json["capabilities"]?["general"]?["positionEncodings"], ["utf-8", "utf-16"])
        XCTAssertEqual(json["initializationOptions"]?["nested"]?["a"], [1, 2.5, "x", nil, true])
    }

    func testDecodingIgnoresUnknownKeysAndAcceptsNullForOptionals() throws {
        let json: JSONValue = [
            "textDocument": ["uri": "file:///a.py", "extra": 1], "position": ["line": 3, "character": 4],
            "context": ["triggerKind": 1, "selectedCompletionInfo": nil], "workDoneToken": "t",
        ]
        let r = try JSONValueDecoder().decode(InlineCompletionRequest.self, from: json)
        XCTAssertEqual(r.position, Position(line: 3, character: 4))
        XCTAssertNil(r.context.selectedCompletionInfo)
    }

    func testMissingRequiredFieldNamesThePath() {
        let json: JSONValue = ["textDocument": ["uri": "file:///a.py"], "position": ["line": 3]]
        XCTAssertThrowsError(try JSONValueDecoder().decode(CompletionRequest.self, from: json)) { error in
            guard case DecodingError.keyNotFound(let key, let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key.stringValue, "character")
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["position"])
        }
    }

    func testIntegralDoublesDecodeAsInts() throws {
        let p = try JSONValueDecoder().decode(Position.self, from: ["line": 2.0, "character": 7])
        XCTAssertEqual(p, Position(line: 2, character: 7))
        XCTAssertThrowsError(try JSONValueDecoder().decode(Position.self, from: ["line": 2.5, "character": 7]))
    }

    func testOptionalResponsesEncodeAsNull() throws {
        let none: InlineCompletionList? = nil
        XCTAssertEqual(try JSONValueEncoder().encode(none), .null)
        XCTAssertEqual(try JSONValueEncoder().encode(VoidResponse()), .null)
        XCTAssertEqual(try JSONValueDecoder().decode(InlineCompletionList?.self, from: .null), nil)
    }

    func testCodeActionResolveParamsAreTheActionItself() throws {
        let action = CodeAction(title: "Generate docstring", kind: "refactor.rewrite", data: ["uri": "file:///x.py", "line": 3])
        let json = try roundTrip(CodeActionResolveRequest(codeAction: action))
        XCTAssertEqual(json["title"], "Generate docstring")
    }

    func testWorkspaceEditDictionaryOfURIs() throws {
        let edit = WorkspaceEdit(changes: ["file:///a.swift": [TextEdit(range: Range(Position(line: 1, character: 0)), newText: "/// Hi\n")]])
        let json = try roundTrip(edit)
        XCTAssertEqual(json["changes"]?["file:///a.swift"]?.stringValue, nil)
        XCTAssertNotNil(json["changes"]?["file:///a.swift"])
    }

    func testRequestIDNumberOrString() throws {
        XCTAssertEqual(try roundTrip(RequestID.number(7)), 7)
        XCTAssertEqual(try roundTrip(RequestID.string("abc")), "abc")
    }

    func testRegistryHasEveryMethodOnce() {
        XCTAssertEqual(MessageRegistry.requests.count, MessageRegistry.requestTypes.count)
        XCTAssertEqual(MessageRegistry.notifications.count, MessageRegistry.notificationTypes.count)
        XCTAssertTrue(MessageRegistry.requests["textDocument/inlineCompletion"] == InlineCompletionRequest.self)
        XCTAssertTrue(MessageRegistry.notifications["$/cancelRequest"] == CancelRequestNotification.self)
    }

    func testEveryRegisteredTypeDecodesItsOwnEncoding() throws {
        // Instances built by decoding a minimal valid payload per method prove the registry types decode.
        let samples: [String: JSONValue] = [
            "initialize": ["capabilities": [:]],
            "shutdown": nil,
            "textDocument/inlineCompletion": ["textDocument": ["uri": "u"], "position": ["line": 0, "character": 0], "context": ["triggerKind": 1]],
            "textDocument/completion": ["textDocument": ["uri": "u"], "position": ["line": 0, "character": 0]],
            "textDocument/codeAction": ["textDocument": ["uri": "u"], "range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]], "context": ["diagnostics": []]],
            "codeAction/resolve": ["title": "t"],
            "workspace/executeCommand": ["command": "c"],
            "infill/status": nil,
            "workspace/applyEdit": ["edit": [:]],
            "window/workDoneProgress/create": ["token": "t"],
        ]
        for (method, type) in MessageRegistry.requests {
            let sample = try XCTUnwrap(samples[method], "no sample for \(method)")
            let decoded = try JSONValueDecoder().decode(type, from: sample)
            _ = try JSONValueEncoder().encode(decoded)
        }
    }
}
