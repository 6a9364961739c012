import Foundation
import XCTest
@testable import Tokenizer

/// The pinned models' vocabularies: metadata, special tokens, and lossless round trips.
final class RealModelTests: XCTestCase {
    /// This repository's own sources, as more real code to round-trip.
    static func repositorySources() -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fm = FileManager.default
        var texts: [String] = []
        for dir in ["Sources", "Tests", "scripts"] {
            let base = root.appendingPathComponent(dir).path
            for rel in (fm.enumerator(atPath: base)?.allObjects as? [String] ?? []).sorted() {
                if let text = try? String(contentsOfFile: base + "/" + rel, encoding: .utf8) { texts.append(text) }
            }
        }
        return texts
    }

    func checkRoundTrip(_ tokenizer: Tokenizer, file: StaticString = #filePath, line: UInt = #line) {
        var texts = SourceSamples.all.map(\.text)
        texts += Self.repositorySources()
        XCTAssertGreaterThan(texts.count, 20, file: file, line: line)
        for text in texts {
            let ids = tokenizer.encode(text)
            XCTAssertEqual(tokenizer.decode(ids), text, file: file, line: line)
            XCTAssertTrue(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, file: file, line: line)
        }
    }

    func testQwenMetadataAndSpecialTokens() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        XCTAssertEqual(t.model, .bytePairEncoding)
        XCTAssertEqual(t.preTokenizerName, "qwen2")
        XCTAssertEqual(t.vocabularySize, 151936)
        XCTAssertFalse(t.addsBOS)
        XCTAssertEqual(t.eos, 151645)
        XCTAssertEqual(t.eot, 151645)  // <|im_end|>
        // The Qwen files have no fim_* keys: the FIM tokens are found by their text.
        XCTAssertEqual(t.fimPrefix, 151659)
        XCTAssertEqual(t.fimMiddle, 151660)
        XCTAssertEqual(t.fimSuffix, 151661)
        XCTAssertEqual(t.fimPad, 151662)
        XCTAssertEqual(t.fimRepo, 151663)
        XCTAssertEqual(t.fimSeparator, 151664)
        XCTAssertEqual(t.tokenID(forText: "<|fim_prefix|>"), 151659)
        XCTAssertEqual(t.tokenID(forText: "<|endoftext|>"), 151643)
        XCTAssertNil(t.tokenID(forText: "no such token"))
        XCTAssertEqual(t.tokenType(151659), .control)
        XCTAssertEqual(t.tokenType(151657), .userDefined)  // <tool_call>
        XCTAssertEqual(t.tokenType(0), .normal)
        for id: Int32 in [151643, 151645, 151662, 151663, 151664] { XCTAssertTrue(t.isEndOfGeneration(id), "\(id)") }
        XCTAssertFalse(t.isEndOfGeneration(151659))
        XCTAssertEqual(t.tokenText(220), "Ġ")
        XCTAssertEqual(t.tokenBytes(220), [0x20])
        XCTAssertEqual(t.tokenBytes(198), [0x0A])
    }

    func testQwenSpecialTokensOnlyWhenAsked() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        let text = "<|fim_prefix|>def f():\n    <|fim_suffix|>\n<|fim_middle|>"
        let plain = t.encode(text)
        XCTAssertFalse(plain.contains { t.isControl($0) }, "user text must not produce control tokens: \(plain)")
        XCTAssertEqual(t.decode(plain), text)
        let parsed = t.encode(text, parseSpecial: true)
        XCTAssertEqual(parsed.first, 151659)
        XCTAssertTrue(parsed.contains(151661))
        XCTAssertEqual(parsed.last, 151660)
        XCTAssertEqual(t.encode("<|fim_prefix|>", parseSpecial: true), [151659])
        XCTAssertEqual(t.decode(parsed, renderSpecial: true), text)
        XCTAssertEqual(t.decode(parsed), "def f():\n    \n")
        // User-defined tokens are split out even without parseSpecial, as in llama.cpp.
        XCTAssertEqual(t.encode("<tool_call>"), [151657])
    }

    func testQwenRoundTrip() throws { checkRoundTrip(try TestData.model("qwen2.5-coder-0.5b")) }

    func testQwen15BSharesTheVocabulary() throws {
        let small = try TestData.model("qwen2.5-coder-0.5b")
        let large = try TestData.model("qwen2.5-coder-1.5b")
        XCTAssertEqual(small.vocabularySize, large.vocabularySize)
        for (_, text) in SourceSamples.all { XCTAssertEqual(small.encode(text), large.encode(text)) }
    }

    func testSmolLMMetadataAndRoundTrip() throws {
        let t = try TestData.model("smollm2-135m")
        XCTAssertEqual(t.model, .bytePairEncoding)
        XCTAssertEqual(t.preTokenizerName, "smollm")
        XCTAssertEqual(t.vocabularySize, 49152)
        XCTAssertFalse(t.addsBOS)
        XCTAssertEqual(t.bos, 1)
        XCTAssertEqual(t.eos, 2)
        XCTAssertEqual(t.encode("x", addBOS: true).first, 1)
        checkRoundTrip(t)
    }
}
