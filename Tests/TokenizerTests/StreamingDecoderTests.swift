import XCTest
@testable import Tokenizer

final class StreamingDecoderTests: XCTestCase {
    /// Feeding tokens one at a time never yields a broken character, and the pieces add up.
    func testDripFeedNeverSplitsCharacters() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        for (_, text) in SourceSamples.all {
            var decoder = StreamingDecoder(tokenizer: t)
            var out = ""
            for id in t.encode(text) {
                let piece = decoder.append(id)
                XCTAssertFalse(piece.unicodeScalars.contains("\u{FFFD}"), "broken UTF-8 in \(piece.debugDescription)")
                out += piece
            }
            out += decoder.flush()
            XCTAssertEqual(out, text)
        }
    }

    func testHoldsBackAnIncompleteCharacter() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        // "😀" is F0 9F 98 80; feed its byte-level tokens one byte at a time.
        let byteTokens = [0xF0, 0x9F, 0x98, 0x80].map { b in t.tokenID(forText: String(Unicode.Scalar(ByteLevel.codePointForByte[b])!))! }
        var decoder = StreamingDecoder(tokenizer: t)
        XCTAssertEqual(decoder.append(byteTokens[0]), "")
        XCTAssertEqual(decoder.append(byteTokens[1]), "")
        XCTAssertEqual(decoder.append(byteTokens[2]), "")
        XCTAssertEqual(decoder.pendingByteCount, 3)
        XCTAssertEqual(decoder.append(byteTokens[3]), "😀")
        XCTAssertEqual(decoder.pendingByteCount, 0)
        // An unfinished character at the end comes out as U+FFFD on flush.
        XCTAssertEqual(decoder.append(byteTokens[0]), "")
        XCTAssertEqual(decoder.flush(), "\u{FFFD}")
        XCTAssertEqual(decoder.flush(), "")
    }

    func testControlTokensProduceNoText() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        var decoder = StreamingDecoder(tokenizer: t)
        XCTAssertEqual(decoder.append(151643), "")
        XCTAssertEqual(decoder.append(t.encode("x")[0]), "x")
    }

    func testIncompleteSuffixLength() {
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([]), 0)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0x41]), 0)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0x41, 0xE2]), 1)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0xE2, 0x96]), 2)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0xE2, 0x96, 0x81]), 0)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0xF0, 0x9F, 0x98]), 3)
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0x80, 0x80]), 0)  // invalid: emit, don't wait
        XCTAssertEqual(UTF8Text.incompleteSuffixLength([0xFF]), 0)
    }
}
