import CompletionBackend
import Foundation
import InfillTestSupport
import XCTest
import JSONRPC
import LSPProtocol
@testable import LanguageServer

/// A bounded, deterministic fuzz of the whole message path as an editor drives it: bytes into a
/// pipe → frame decoder → JSON → dispatch of every method with mutated params → documents →
/// (scripted) completions → replies out of the other pipe. A crash kills the test process, so
/// finishing is the first check; then: no hang (every expected reply arrives), no reply to an id
/// that was never sent, never two replies where one request was sent, and every intact request
/// answered once.
///
/// `INFILL_FUZZ_SCALE=N` runs N times as many frames (`Benchmarks/fuzz/run` uses it for the long
/// run and prints the figures).
final class ProtocolFuzzTests: XCTestCase {
    static var scale: Int { ProcessInfo.processInfo.environment["INFILL_FUZZ_SCALE"].flatMap { Int($0) }.map { max(1, $0) } ?? 1 }

    func testMutatedTrafficNeverCrashesHangsOrMisaddresses() throws {
        for (seed, encoding) in [(UInt64(1), "utf-16"), (2, "utf-8")] {
            let figures = try FuzzSession(seed: seed, encoding: encoding).run(frames: 30_000 * Self.scale)
            print("protocol fuzz (seed \(seed), \(encoding)): \(figures)")
            XCTAssertEqual(figures.hangs, 0, "\(figures)")
            XCTAssertEqual(figures.wrongReplies, [], "\(figures)")
            XCTAssertEqual(figures.unanswered, [], "\(figures)")
            XCTAssertGreaterThan(figures.replies, figures.frames / 4, "most requests are answered: \(figures)")
        }
    }
}

struct FuzzFigures: CustomStringConvertible {
    var frames = 0
    var bytes = 0
    var mutatedFrames = 0
    var replies = 0
    var nullIDReplies = 0
    var hangs = 0
    var wrongReplies: [String] = []
    var unanswered: [String] = []
    var seconds = 0.0
    var peakRSSMB = 0

    var description: String {
        "\(frames) frames (\(mutatedFrames) mutated, \(bytes / 1024) KiB) in \(String(format: "%.1f", seconds)) s, "
            + "\(replies) replies (\(nullIDReplies) to id null), crashes 0, hangs \(hangs), wrong replies \(wrongReplies.count), "
            + "unanswered \(unanswered.count), peak RSS \(peakRSSMB) MB"
    }
}

/// One server on a pair of pipes, a writer feeding it mutated traffic and a reader collecting replies.
final class FuzzSession: @unchecked Sendable {
    private var rng: SplitMix64
    private let encoding: String
    private let toServer: Int32
    private let fromServer: Int32
    private let lock = NSLock()
    /// Replies by id (nil: id null).
    private var replyCounts: [RequestID: Int] = [:]
    private var nullReplies = 0
    private var totalReplies = 0
    /// Requests from the server to answer (applyEdit, progress), queued by the reader for the writer.
    private var serverRequests: [RequestID] = []
    private let server: LanguageServer
    private let connection: StdioConnection

    init(seed: UInt64, encoding: String) throws {
        rng = SplitMix64(seed: seed)
        self.encoding = encoding
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw POSIXError(.EMFILE) }
        toServer = input[1]
        fromServer = output[0]
        connection = StdioConnection(inputFD: input[0], outputFD: output[1], maxMessageBytes: 1 << 20, log: { _ in })
        let backend = ScriptedBackend()
        server = LanguageServer(client: connection, loader: { _, _ in backend }, logToStderr: false, onExit: { _ in })
        let server = self.server
        connection.start(handler: { server.receive($0) }, onClose: {})
        let reader = Thread { [self] in readReplies() }
        reader.start()
    }

    deinit {
        close(toServer)
    }

    func run(frames count: Int) throws -> FuzzFigures {
        var figures = FuzzFigures()
        let started = ContinuousClock.now
        var allowed: [RequestID: Int] = [:]
        var expected: [RequestID] = []
        send(frame(Array(initialize.serialized())))
        allowed[.number(0), default: 0] += 1
        expected.append(.number(0))
        send(frame(Array(JSONValue.object(["jsonrpc": "2.0", "method": "initialized", "params": [:]]).serialized())))
        for _ in 0..<count {
            var message = randomMessage()
            var body: [UInt8]
            var framingIntact = true
            switch rng.next() % 20 {
            case 0..<10:
                body = message.serialized()
            case 10..<15:
                mutateTree(&message)
                body = message.serialized()
            case 15..<17:
                body = message.serialized()
                mutateBytes(&body)
            default:
                body = message.serialized()
                framingIntact = false
            }
            if body != message.serialized() || !framingIntact { figures.mutatedFrames += 1 }
            // What the server may answer, and what it must.
            if let parsed = try? JSONValue(parsing: body), let raw = parsed["id"], let id = RequestID(json: raw) {
                allowed[id, default: 0] += 1
                let isResponse = parsed["method"] == nil && (parsed["result"] != nil || parsed["error"] != nil)
                if framingIntact && !isResponse { expected.append(id) }
            }
            let bytes = framingIntact ? frame(body) : badlyFramed(body)
            figures.frames += 1
            figures.bytes += bytes.count
            send(bytes)
            answerServerRequests()
        }
        // The sentinel goes after everything; then every expected reply must come.
        let sentinel = RequestID.string("sentinel")
        send(frame(Array(JSONValue.object(["jsonrpc": "2.0", "id": "sentinel", "method": "infill/status"]).serialized())))
        allowed[sentinel, default: 0] += 1
        expected.append(sentinel)
        let deadline = ContinuousClock.now + .seconds(60)
        var missing = expected
        while ContinuousClock.now < deadline {
            answerServerRequests()
            missing = lock.withLock { expected.filter { replyCounts[$0, default: 0] == 0 } }
            if missing.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        if !missing.isEmpty { figures.hangs = 1 }
        figures.unanswered = missing.prefix(10).map { "\($0)" }
        lock.withLock {
            for (id, n) in replyCounts where n > allowed[id, default: 0] {
                figures.wrongReplies.append("\(n) replies to \(id), sent \(allowed[id, default: 0])")
            }
            figures.replies = totalReplies
            figures.nullIDReplies = nullReplies
        }
        figures.seconds = Double((ContinuousClock.now - started).components.seconds)
            + Double((ContinuousClock.now - started).components.attoseconds) / 1e18
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        figures.peakRSSMB = usage.ru_maxrss / 1024
        return figures
    }

    // MARK: - Wire

    private func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(toServer, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    private func readReplies() {
        var decoder = FrameDecoder(maxContentLength: 1 << 30)
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fromServer, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            buffer.write(chunk[0..<n])
            while let body = try? decoder.decode(buffer: &buffer) {
                guard let message = try? Message(body: body) else { continue }
                lock.withLock {
                    switch message {
                    case .response(let id, _), .errorResponse(let id?, _):
                        replyCounts[id, default: 0] += 1
                        totalReplies += 1
                    case .errorResponse(nil, _):
                        nullReplies += 1
                        totalReplies += 1
                    case .request(let id, _, _):
                        serverRequests.append(id)
                    case .notification:
                        break
                    }
                }
            }
        }
    }

    private func answerServerRequests() {
        let ids = lock.withLock { defer { serverRequests = [] }; return serverRequests }
        for id in ids {
            let result: JSONValue = ["applied": .bool(rng.next() % 2 == 0)]
            send(frame(Message.response(id: id, result: result).body))
        }
    }

    // MARK: - Messages

    private var initialize: JSONValue {
        ["jsonrpc": "2.0", "id": 0, "method": "initialize",
         "params": ["processId": 1, "capabilities": [
            "general": ["positionEncodings": [.string(encoding)]], "workspace": ["applyEdit": true],
            "textDocument": ["codeAction": ["resolveSupport": ["properties": ["edit"]]]],
            "window": ["workDoneProgress": true]]]]
    }

    private let uris = ["file:///a.py", "file:///b.swift", "file:///c.go", "file:///d.lua", "file:///gone.py"]
    private let languages = ["python", "swift", "go", "lua", "rust", "plaintext", ""]
    private let pieces = ["def f(a, b):\n", "    return a + b\n", "x = 1", "😀", "世界", "\r\n", "\n", "\t", "e\u{301}", "func g() {\n}\n",
                          "(", ")", "\"", "\u{0}", "\u{FEFF}", String(repeating: "y", count: 300), ""]

    private func next(_ bound: Int) -> Int { Int(rng.next() % UInt64(max(1, bound))) }

    private func text() -> String {
        (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined()
    }

    private func position() -> JSONValue {
        if next(10) == 0 { return hostile() }
        return ["line": .int(next(8)), "character": .int(next(12))]
    }

    private func range() -> JSONValue { ["start": position(), "end": position()] }

    private func id() -> JSONValue {
        next(4) == 0 ? .string("s\(rng.next() % 1_000_000_000_000)") : .int(Int(rng.next() % 1_000_000_000_000_000) + 1)
    }

    private var recentIDs: [JSONValue] = []

    private func randomMessage() -> JSONValue {
        let uri = JSONValue.string(uris[next(uris.count)])
        let document: JSONValue = ["uri": uri]
        let (method, params, isRequest): (String, JSONValue, Bool)
        switch next(16) {
        case 0, 1:
            (method, params, isRequest) = ("textDocument/didOpen", ["textDocument": [
                "uri": uri, "languageId": .string(languages[next(languages.count)]), "version": .int(next(100)), "text": .string(text())]], false)
        case 2, 3, 4:
            let change: JSONValue = next(8) == 0 ? ["text": .string(text())] : ["range": range(), "text": .string(text())]
            (method, params, isRequest) = ("textDocument/didChange", [
                "textDocument": ["uri": uri, "version": .int(next(1000))], "contentChanges": [change]], false)
        case 5:
            (method, params, isRequest) = (next(2) == 0 ? "textDocument/didClose" : "textDocument/didSave",
                                           ["textDocument": document, "text": .string(text())], false)
        case 6, 7:
            (method, params, isRequest) = ("textDocument/inlineCompletion", [
                "textDocument": document, "position": position(), "context": ["triggerKind": .int(1 + next(2))]], true)
        case 8:
            (method, params, isRequest) = ("textDocument/completion", [
                "textDocument": document, "position": position(), "context": ["triggerKind": .int(1 + next(3))]], true)
        case 9:
            (method, params, isRequest) = ("textDocument/codeAction", [
                "textDocument": document, "range": range(), "context": ["diagnostics": []]], true)
        case 10:
            (method, params, isRequest) = ("codeAction/resolve", [
                "title": "Generate docstring", "kind": "refactor.rewrite", "data": ["uri": uri, "line": .int(next(6))]], true)
        case 11:
            let indent: JSONValue = ["uri": uri, "line": .int(next(6)), "lines": [.string(text())], "indentation": "    "]
            let docstring: JSONValue = ["uri": uri, "line": .int(next(6))]
            (method, params, isRequest) = ("workspace/executeCommand", next(2) == 0
                ? ["command": "infill.indentLines", "arguments": [indent]]
                : ["command": "infill.generateDocstring", "arguments": [docstring]], true)
        case 12:
            (method, params, isRequest) = ("$/cancelRequest", ["id": recentIDs.last ?? 1], false)
        case 13:
            let setting = Settings.all[next(Settings.all.count)]
            let value: JSONValue = next(2) == 0 ? hostile() : .int(next(5000))
            (method, params, isRequest) = ("workspace/didChangeConfiguration", ["settings": ["infill": [setting.key: value]]], false)
        case 14:
            (method, params, isRequest) = (next(2) == 0 ? "infill/status" : "unknown/method", [:], true)
        default:
            (method, params, isRequest) = ("$/setTrace", ["value": .string(["off", "messages", "verbose"][next(3)])], false)
        }
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "params": params]
        if isRequest {
            let id = id()
            message["id"] = id
            recentIDs.append(id)
            if recentIDs.count > 8 { recentIDs.removeFirst() }
        }
        return .object(message)
    }

    private func hostile() -> JSONValue {
        let values: [JSONValue] = [
            0, -1, 1, .int(Int.max), .int(Int.min), .double(1e300), .double(-1e300), .double(0.5), .double(9_223_372_036_854_775_808),
            "", "x", .string(String(repeating: "🙂", count: 2000)), "\u{0}", [], [:], nil, true, [[[[]]]], ["line": "x"],
        ]
        return values[next(values.count)]
    }

    /// Replaces a random node with a hostile value, or drops a member.
    private func mutateTree(_ value: inout JSONValue) {
        switch value {
        case .object(var members) where !members.isEmpty && next(4) != 0:
            let key = members.keys.sorted()[next(members.count)]
            if next(5) == 0 {
                members[key] = nil
            } else {
                mutateTree(&members[key]!)
            }
            value = .object(members)
        case .array(var elements) where !elements.isEmpty && next(4) != 0:
            mutateTree(&elements[next(elements.count)])
            value = .array(elements)
        default:
            value = hostile()
        }
    }

    private func mutateBytes(_ body: inout [UInt8]) {
        guard !body.isEmpty else { return }
        switch next(4) {
        case 0: for _ in 0...next(4) { body[next(body.count)] = UInt8(truncatingIfNeeded: rng.next()) }
        case 1: body.removeLast(next(body.count))
        case 2: body.insert(contentsOf: (0..<next(8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: next(body.count))
        default: body.replaceSubrange(next(body.count)..., with: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "d"), UInt8(ascii: "8")])
        }
    }

    /// A frame with something wrong in its framing (each class the decoder resynchronises after).
    private func badlyFramed(_ body: [UInt8]) -> [UInt8] {
        let header: String
        switch next(9) {
        case 0: header = "Content-Length: \(body.count + 1)\r\n\r\n"
        case 1: header = "Content-Length: \(max(0, body.count - 1 - next(5)))\r\n\r\n"
        case 2: header = "Content-Length: -1\r\n\r\n"
        case 3: header = "Content-Length: abc\r\n\r\n"
        case 4: header = "Content-Length \(body.count)\r\n\r\n"
        case 5: return [0, 0xEF, 0xBB, 0xBF] + frame(body)
        case 6: return (0..<next(64)).map { _ in UInt8(truncatingIfNeeded: rng.next() | 0x80) } + frame(body)
        case 7: header = "Content-Length: \(body.count + 100_000_000)\r\n\r\n"
        default: return Array("Content-Length: 10\r\n\r\n".utf8)
        }
        return Array(header.utf8) + body
    }
}
