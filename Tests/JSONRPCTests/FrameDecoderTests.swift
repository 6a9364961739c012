import XCTest
@testable import JSONRPC

final class FrameDecoderTests: XCTestCase {
    let bodies: [String] = [
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
        #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"é 🙂 世界"}}"#,
        "{}",
        #"{"jsonrpc":"2.0","id":"x","result":null}"#,
    ]

    func stream(_ bodies: [String]) -> [UInt8] { bodies.flatMap { frame(Array($0.utf8)) } }

    /// Feeds `bytes` in chunks of `chunk` and collects frames and errors in order.
    func run(_ bytes: [UInt8], chunk: Int, decoder: FrameDecoder = FrameDecoder()) -> [String] {
        var decoder = decoder
        var buffer = ByteBuffer()
        var out: [String] = []
        var i = 0
        while i < bytes.count {
            buffer.write(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
            while true {
                do {
                    guard let body = try decoder.decode(buffer: &buffer) else { break }
                    out.append(String(decoding: body, as: UTF8.self))
                } catch {
                    out.append("error: \(error)")
                }
            }
        }
        return out
    }

    func testOneByteAtATime() {
        XCTAssertEqual(run(stream(bodies), chunk: 1), bodies)
    }

    func testAllAtOnceAndOddChunks() {
        let many = Array(repeating: bodies, count: 50).flatMap { $0 }
        XCTAssertEqual(run(stream(many), chunk: 1 << 20), many)
        for chunk in [2, 3, 7, 13, 64] { XCTAssertEqual(run(stream(many), chunk: chunk), many) }
    }

    func testExtraHeadersAndCaseAreAccepted() {
        let bytes = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
        XCTAssertEqual(run(bytes, chunk: 1), ["{}"])
        XCTAssertEqual(run(Array("Content-Length: 2\n\n{}".utf8), chunk: 1), ["{}"], "bare LF accepted")
    }

    func testMalformedHeaderIsReportedAndSkipped() {
        let bytes = Array("garbage\r\n\r\n".utf8) + Array("Content-Length: abc\r\n\r\n".utf8)
            + Array("X-Other: 1\r\n\r\n".utf8) + stream(["{}"])
        for chunk in [1, 1000] {
            let out = run(bytes, chunk: chunk)
            XCTAssertEqual(out.count, 4, "\(out)")
            XCTAssertTrue(out[0].hasPrefix("error: malformed message header"), out[0])
            XCTAssertTrue(out[1].contains("Content-Length is not"), out[1])
            XCTAssertTrue(out[2].contains("no Content-Length"), out[2])
            XCTAssertEqual(out[3], "{}")
        }
    }

    func testOversizedContentIsSkippedWithoutBuffering() {
        let big = String(repeating: "x", count: 5000)
        let bytes = stream(["{}", big, "[1]"])
        for chunk in [1, 100, 100_000] {
            let out = run(bytes, chunk: chunk, decoder: FrameDecoder(maxContentLength: 1000))
            XCTAssertEqual(out, ["{}", "error: message of 5000 bytes is over the 1000-byte limit (maxMessageBytes); skipped it", "[1]"])
        }
        // A claimed length of 2^62 must not allocate: it is skipped as bytes come.
        var decoder = FrameDecoder(maxContentLength: 1000)
        var buffer = ByteBuffer(Array("Content-Length: 4611686018427387904\r\n\r\nabc".utf8))
        XCTAssertThrowsError(try decoder.decode(buffer: &buffer))
        XCTAssertNil(try decoder.decode(buffer: &buffer))
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testEndlessHeaderIsCut() {
        let junk = Array(repeating: UInt8(ascii: "a"), count: 20_000)
        let out = run(junk + Array("\r\n\r\n".utf8) + stream(["{}"]), chunk: 4096, decoder: FrameDecoder(maxHeaderLength: 8192))
        XCTAssertTrue(out.first?.contains("no blank line") ?? false, "\(out)")
        XCTAssertEqual(out.last, "{}")
    }

    func testEmptyBody() {
        XCTAssertEqual(run(Array("Content-Length: 0\r\n\r\n".utf8) + stream(["{}"]), chunk: 1), ["", "{}"])
    }
}
