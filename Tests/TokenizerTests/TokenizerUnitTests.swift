import XCTest
@testable import Tokenizer

/// Behaviour on small hand-made vocabularies, and internal invariants.
final class TokenizerUnitTests: XCTestCase {
    /// A tiny byte-level vocabulary: the 256 byte characters, merges "a b", "ab c", and specials.
    func tinyBPE(pre: String = "gpt-2") throws -> Tokenizer {
        var tokens = (0..<256).map { String(Unicode.Scalar(ByteLevel.codePointForByte[$0])!) }
        tokens += ["ab", "abc", "<ctl>", "<usr>", "<usr-long>"]
        var types = Array(repeating: 1, count: 258)
        types += [3, 4, 4]
        var src = TokenizerSource(model: "gpt2", pre: pre, tokens: tokens, tokenTypes: types, merges: ["a b", "ab c"])
        src.source = "tiny.gguf"
        return try Tokenizer(src)
    }

    func testMergesAndSpecials() throws {
        let t = try tinyBPE()
        let a: Int32 = 0x61  // token id = byte value in this vocabulary
        XCTAssertEqual(t.encode("abc"), [257])
        XCTAssertEqual(t.encode("ab"), [256])
        XCTAssertEqual(t.encode("a"), [a])
        // Control tokens only when asked; user-defined ones always; the longest candidate wins.
        XCTAssertEqual(t.encode("<ctl>").count, 5)
        XCTAssertEqual(t.encode("<ctl>", parseSpecial: true), [258])
        XCTAssertEqual(t.encode("<usr>"), [259])
        XCTAssertEqual(t.encode("<usr-long>"), [260])
        XCTAssertEqual(t.encode("x<usr>abc", parseSpecial: true), [0x78, 259, 257])
        XCTAssertEqual(t.decode(t.encode("<ctl>", parseSpecial: true)), "")
        XCTAssertEqual(t.decode(t.encode("<ctl>", parseSpecial: true), renderSpecial: true), "<ctl>")
    }

    func testErrorsNameTheSourceAndTheFix() {
        var src = TokenizerSource(model: "bert", tokens: ["a"])
        src.source = "m.gguf"
        XCTAssertThrowsError(try Tokenizer(src)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("m.gguf") && text.contains("'bert'") && text.contains("supported"), text)
        }
        var bpe = TokenizerSource(model: "gpt2", pre: "unheard-of", tokens: ["a"], merges: [])
        bpe.source = "m.gguf"
        XCTAssertThrowsError(try Tokenizer(bpe)) { error in
            XCTAssertTrue("\(error)".contains("unheard-of"), "\(error)")
        }
        XCTAssertThrowsError(try Tokenizer(TokenizerSource(model: "gpt2", pre: "qwen2", tokens: ["a"]))) { error in
            XCTAssertTrue("\(error)".contains("merges"), "\(error)")
        }
    }

    /// The quadratic scan and the heap give the same merges (they are chosen by word length).
    func testScanAndHeapMergeAgree() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aeiou tnrs_=-(){}0123456789\n\té😀".utf8)
        var merger = BPEMerger()
        for _ in 0..<300 {
            let length = Int.random(in: 2...200, using: &rng)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            let initial = bytes.map { t.byteSymbols[Int($0)] }
            var scanned = initial
            BPEMerger.mergeByScanning(&scanned, t.merges)
            var heaped = initial
            merger.mergeWithHeap(&heaped, t.merges)
            XCTAssertEqual(scanned, heaped)
        }
    }

    func testSentencePieceDecodeAndBytes() throws {
        let t = try TestData.vocab("llama-spm")
        XCTAssertEqual(t.model, .sentencePiece)
        XCTAssertTrue(t.addsBOS)
        XCTAssertTrue(t.addsSpacePrefix)
        XCTAssertEqual(t.bos, 1)
        XCTAssertEqual(t.eos, 2)
        XCTAssertEqual(t.tokenBytes(3 + 0x0A), [0x0A])  // <0x0A>
        XCTAssertEqual(t.tokenType(3), .byte)
        for (_, text) in SourceSamples.all where !text.hasPrefix(" ") {
            XCTAssertEqual(t.decode(t.encode(text)), text)
        }
        XCTAssertEqual(t.encode("Hello", addBOS: true).first, 1)
        // Without the dummy prefix, "Hello" is not "▁Hello".
        let hello = t.encode("Hello", addSpacePrefix: false)
        XCTAssertNotEqual(hello, t.encode("Hello"))
        XCTAssertEqual(t.encode(" Hello", addSpacePrefix: false), t.encode("Hello"))
        XCTAssertEqual(String(decoding: hello.flatMap { t.tokenBytes($0) }, as: UTF8.self), "Hello")
    }
}

/// Long runs that become one pre-tokenizer word (or, for SentencePiece, one fragment) must not
/// blow up: the merge loops are O(n log n).
final class LongInputTests: XCTestCase {
    func testLongWordsRoundTrip() throws {
        let qwen = try TestData.model("qwen2.5-coder-0.5b")
        let spm = try TestData.vocab("llama-spm")
        let inputs = [
            String(repeating: "=", count: 100_000),
            String(repeating: " ", count: 100_000) + "x",
            String(repeating: "ab", count: 50_000),
            String(repeating: "😀", count: 20_000),
            String(repeating: "<|fim_prefix|>", count: 5_000),
        ]
        for text in inputs {
            XCTAssertEqual(qwen.decode(qwen.encode(text)), text)
            XCTAssertEqual(spm.decode(spm.encode(text)), text)
        }
        XCTAssertEqual(qwen.encode(String(repeating: "<|fim_prefix|>", count: 5_000), parseSpecial: true),
                       Array(repeating: 151659, count: 5_000))
        XCTAssertEqual(qwen.encode(""), [])
        XCTAssertEqual(spm.encode(""), [])
        XCTAssertEqual(qwen.decode([]), "")
        XCTAssertEqual(qwen.decode([-1, 999_999]), "")
    }
}
