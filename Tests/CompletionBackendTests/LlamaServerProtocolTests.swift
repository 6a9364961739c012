import Foundation
import XCTest

@testable import CompletionBackend

#if canImport(Glibc)
import Glibc
#endif

/// The llama-server generator's wire pieces without a server: the event-stream decoder, the HTTP
/// exchange against canned answers a real server does not give (malformed, cut off), and slot choice.
/// The real server is driven end to end by scripts/lsp/test_remote.py.
final class LlamaServerProtocolTests: XCTestCase {
    let stream = Array("data: {\"tokens\":[1]}\n\n: comment\r\ndata: {\"tokens\":[2],\r\ndata: \"x\":3}\r\n\r\nerror: {\"message\":\"boom\"}\n\n".utf8)
    let expected: [ServerSentEvents.Event] = [.data("{\"tokens\":[1]}"), .data("{\"tokens\":[2],\n\"x\":3}"), .error("{\"message\":\"boom\"}")]

    func testEventsDripFedOneByteAtATimeOrAllAtOnce() throws {
        var whole = ServerSentEvents()
        XCTAssertEqual(try whole.append(stream), expected)
        var drip = ServerSentEvents()
        var events: [ServerSentEvents.Event] = []
        for byte in stream { events += try drip.append([byte]) }
        XCTAssertEqual(events, expected)
    }

    func testAnEndlessLineIsMalformed() {
        var events = ServerSentEvents()
        XCTAssertThrowsError(try events.append([UInt8](repeating: 65, count: ServerSentEvents.lineLimit + 1)))
    }

    func testChunkedBodyIsReassembled() throws {
        let server = try CannedServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=1\r\n, world\r\n0\r\n\r\n")
        let exchange = try HTTPExchange("GET", server.url, path: "/")
        XCTAssertEqual(exchange.status, 200)
        XCTAssertEqual(String(decoding: try exchange.readAll(), as: UTF8.self), "hello, world")
    }

    func testAStreamCutOffMidChunkFails() throws {
        let server = try CannedServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\ndata: {\"tok")
        let exchange = try HTTPExchange("POST", server.url, path: "/completion", body: Data("{}".utf8))
        XCTAssertThrowsError(try exchange.readAll()) { XCTAssertTrue("\($0)".contains("mid-answer"), "\($0)") }
    }

    func testNotHTTPFails() throws {
        let server = try CannedServer("SSH-2.0-OpenSSH\r\n\r\n")
        XCTAssertThrowsError(try HTTPExchange("GET", server.url, path: "/")) { XCTAssertTrue("\($0)".contains("not an HTTP answer"), "\($0)") }
    }

    func testConnectionRefusedSaysWhere() throws {
        let port = try CannedServer(nil).port  // closed again: nothing listens there
        XCTAssertThrowsError(try HTTPExchange("GET", URL(string: "http://127.0.0.1:\(port)")!, path: "/health")) {
            XCTAssertTrue("\($0)".contains("cannot connect to 127.0.0.1:\(port)"), "\($0)")
        }
    }

    func testInterruptEndsAWaitForASilentServer() throws {
        let server = try CannedServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", keepOpen: true)
        let start = ContinuousClock.now
        let exchange = try HTTPExchange("GET", server.url, path: "/", interrupt: { ContinuousClock.now - start > .milliseconds(200) })
        XCTAssertThrowsError(try exchange.readAll()) { XCTAssertTrue($0 is CancellationError) }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testSlotChoiceKeepsDocumentsApart() {
        typealias Slot = LlamaServerGenerator.Slot
        let a: [Int32] = Array(1...100), b: [Int32] = [1, 2, 3] + Array(500...600)
        // Typing on in document A: its slot.
        XCTAssertEqual(LlamaServerGenerator.slot(for: a + [7], among: [Slot(tokens: b, lastUsed: 2), Slot(tokens: a, lastUsed: 1)]), 1)
        // Document B shares only the prompt's first tokens with A's slot: the slot unused longest.
        XCTAssertEqual(LlamaServerGenerator.slot(for: b, among: [Slot(tokens: a, lastUsed: 2), Slot(tokens: [], lastUsed: 0)]), 1)
        XCTAssertEqual(LlamaServerGenerator.slot(for: b, among: [Slot(tokens: a, lastUsed: 1)]), 0)
    }
}

/// A one-shot TCP server on 127.0.0.1 that reads a request and writes `answer`, then closes (or not);
/// with no answer it only holds a port.
private final class CannedServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    init(_ answer: String?, keepOpen: Bool = false) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(fd, $0, length) == 0, listen(fd, 4) == 0, getsockname(fd, $0, &length) == 0 else {
                    throw HTTPExchange.Failure("cannot listen")
                }
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard let answer else { return }
        let bytes = Array(answer.utf8)
        Thread.detachNewThread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if keepOpen { Thread.sleep(forTimeInterval: 3) }
            close(client)
        }
    }

    deinit { close(fd) }
}
