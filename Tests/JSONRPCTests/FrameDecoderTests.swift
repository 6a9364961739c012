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

    func testMalformedHeaderIsReportedOnceAndSkipped() {
        let bytes = Array("garbage\r\n\r\n".utf8) + Array("Content-Length: abc\r\n\r\n".utf8)
            + Array("X-Other: 1\r\n\r\n".utf8) + stream(["{}"])
        for chunk in [1, 1000] {
            let out = run(bytes, chunk: chunk)
            XCTAssertEqual(out.count, 2, "\(out)")
            XCTAssertTrue(out[0].hasPrefix("error: bytes at stream offset 0 are not a message header"), out[0])
            XCTAssertEqual(out[1], "{}")
        }
    }

    func testOversizedContentIsSkippedWithoutBuffering() {
        let big = String(repeating: "x", count: 5000)
        let bytes = stream(["{}", big, "[1]"])
        for chunk in [1, 100, 100_000] {
            let out = run(bytes, chunk: chunk, decoder: FrameDecoder(maxContentLength: 1000))
            XCTAssertEqual(out, ["{}", "error: message of 5000 bytes at stream offset 47 is over the 1000-byte limit (maxMessageBytes); skipped it", "[1]"])
        }
        // A claimed length of 2^62 must not allocate: it is skipped as bytes come.
        var decoder = FrameDecoder(maxContentLength: 1000)
        var buffer = ByteBuffer(Array("Content-Length: 4611686018427387904\r\n\r\nabc".utf8))
        XCTAssertThrowsError(try decoder.decode(buffer: &buffer))
        XCTAssertNil(try decoder.decode(buffer: &buffer))
        XCTAssertLessThanOrEqual(buffer.readableBytes, 1, "only what may start a header is kept")
    }

    /// Every class of framing error the fuzzer found, each followed by valid frames that must all
    /// come out, whatever the read sizes.
    func testResynchronisesAfterEveryKindOfBadFrame() {
        let good = [#"{"jsonrpc":"2.0","id":1,"method":"a"}"#, #"{"jsonrpc":"2.0","id":2,"method":"b"}"#]
        let body = Array(good[0].utf8)
        let bad: [(String, [UInt8])] = [
            ("length one too large", Array("Content-Length: \(body.count + 1)\r\n\r\n".utf8) + body),
            ("length far too large", Array("Content-Length: \(body.count + 500)\r\n\r\n".utf8) + body),
            ("length one too small", Array("Content-Length: \(body.count - 1)\r\n\r\n".utf8) + body),
            ("negative length", Array("Content-Length: -1\r\n\r\n".utf8) + body),
            ("length not a number", Array("Content-Length: abc\r\n\r\n".utf8) + body),
            ("length too many digits", Array("Content-Length: 99999999999999999999999\r\n\r\n".utf8) + body),
            ("header line without a colon", Array("Content-Length 5\r\n\r\n".utf8) + body),
            ("NUL before the header", [0] + frame(body)),
            ("BOM before the header", [0xEF, 0xBB, 0xBF] + frame(body)),
            ("garbage before the header", Array("hello world\n".utf8) + frame(body)),
            ("header longer than one read", Array("X-Padding: \(String(repeating: "p", count: 70_000))\r\n".utf8) + frame(body)),
            ("body without a header", body),
            ("binary noise", (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }),
        ]
        for (name, prefix) in bad {
            for chunk in [1, 7, 64, 1 << 16, 1 << 20] {
                let out = run(prefix + stream(good), chunk: chunk, decoder: FrameDecoder(maxHeaderLength: 8192))
                let frames = out.filter { !$0.hasPrefix("error: ") }
                XCTAssertEqual(Array(frames.suffix(2)), good, "\(name), chunks of \(chunk): \(out)")
                XCTAssertLessThanOrEqual(out.filter { $0.hasPrefix("error: ") }.count, 2, "\(name): logged once or twice, \(out)")
            }
        }
    }

    /// A length that was too large takes the bytes before the next header as the message, so a
    /// request framed one byte long is still answered.
    func testBodyCutAtTheNextHeaderIsDelivered() {
        let body = #"{"jsonrpc":"2.0","id":7,"method":"a"}"#
        let bytes = Array("Content-Length: \(body.utf8.count + 1)\r\n\r\n\(body)".utf8) + stream(["{}"])
        let out = run(bytes, chunk: 1 << 16)
        XCTAssertEqual(out.count, 3, "\(out)")
        XCTAssertTrue(out[0].contains("declared Content-Length \(body.utf8.count + 1)"), out[0])
        XCTAssertEqual(Array(out.dropFirst()), [body, "{}"])
    }

    func testErrorsNeverEchoClientBytes() {
        let secret = "my-secret-document-text"
        let out = run(Array("\(secret)\r\n\r\nContent-Length: \(secret)\r\n\r\n".utf8) + stream(["{}"]), chunk: 5)
        for line in out where line.hasPrefix("error: ") { XCTAssertFalse(line.contains("secret"), line) }
    }

    func testEmptyBody() {
        XCTAssertEqual(run(Array("Content-Length: 0\r\n\r\n".utf8) + stream(["{}"]), chunk: 1), ["", "{}"])
    }
}
