import InfillTestSupport
import XCTest
@testable import GGUF

/// The real pinned models parse and report the facts the engine relies on.
final class PinnedModelTests: XCTestCase {
    func testQwenCoderHalfBillion() throws {
        let file = try GGUFFile(path: try TestModels.path("qwen2.5-coder-0.5b"))
        let s = ModelSummary(file)
        XCTAssertEqual(s.architecture, "qwen2")
        XCTAssertEqual(s.layers, 24)
        XCTAssertEqual(s.embeddingSize, 896)
        XCTAssertEqual(s.heads, 14)
        XCTAssertEqual(s.kvHeads, 2)
        XCTAssertEqual(s.vocabularySize, 151936)
        XCTAssertEqual(s.tokenizerPre, "qwen2")
        XCTAssertEqual(s.ropeType, "neox")
        let roles = Dictionary(uniqueKeysWithValues: s.fimTokens.map { ($0.role, $0.id) })
        XCTAssertEqual(roles["prefix"], 151659)
        XCTAssertEqual(roles["suffix"], 151661)
        XCTAssertEqual(roles["middle"], 151660)
        XCTAssertEqual(s.tensorTypes.first?.type, .q5_0)
        XCTAssertEqual(s.fileBytes, 491_400_064)
    }

    func testQwenCoderDefault() throws {
        let file = try GGUFFile(path: try TestModels.path("qwen2.5-coder-1.5b"))
        let s = ModelSummary(file)
        XCTAssertEqual(s.architecture, "qwen2")
        XCTAssertEqual(s.layers, 28)
        XCTAssertEqual(s.embeddingSize, 1536)
        XCTAssertTrue(s.tensorTypes.contains { $0.type == .q4_K })
        XCTAssertEqual(s.fimTokens.count, 6)
    }

    func testSmolLM() throws {
        let file = try GGUFFile(path: try TestModels.path("smollm2-135m"))
        let s = ModelSummary(file)
        XCTAssertEqual(s.architecture, "llama")
        XCTAssertEqual(s.ropeType, "normal")
        XCTAssertFalse(s.fimTokens.contains { $0.role == "prefix" })
        XCTAssertTrue(s.tensorTypes.contains { $0.type == .q4_1 })
    }
}
