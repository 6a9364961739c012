import XCTest
@testable import Tokenizer

/// Every test vector llama.cpp ships for the supported vocabularies must match exactly
/// (tokenized as llama.cpp's test does: no BOS, special tokens not parsed).
final class LlamaCppVectorTests: XCTestCase {
    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let tokenizer = try TestData.vocab(name, file: file, line: line)
        let vectors = try TestData.vectors(name)
        XCTAssertGreaterThan(vectors.count, 10, file: file, line: line)
        var failures = 0
        for (input, expected) in vectors {
            let got = tokenizer.encode(input)
            if got != expected {
                failures += 1
                XCTFail("\(name): \(input.debugDescription)\n  expected \(expected)\n  got      \(got)", file: file, line: line)
            }
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) of \(vectors.count) vectors differ", file: file, line: line)
    }

    func testLlamaSPM() throws { try check("llama-spm") }
    func testPhi3() throws { try check("phi-3") }
    func testLlamaBPE() throws { try check("llama-bpe") }
    func testQwen2() throws { try check("qwen2") }
    func testQwen35() throws { try check("qwen35") }
    func testDeepseekCoder() throws { try check("deepseek-coder") }
    func testStarcoder() throws { try check("starcoder") }
    func testGPT2() throws { try check("gpt-2") }
    func testDeepseekLLM() throws { try check("deepseek-llm") }
    func testFalcon() throws { try check("falcon") }
    func testMPT() throws { try check("mpt") }
    func testRefact() throws { try check("refact") }
    func testCommandR() throws { try check("command-r") }
}
