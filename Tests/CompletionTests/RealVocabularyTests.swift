// FIM detection on the pinned models' real vocabularies (read straight from the GGUF metadata; the
// tokenizer is not needed to find control tokens).
import XCTest
import GGUF
import InfillTestSupport
@testable import Completion

/// Token lookup over a GGUF file's `tokenizer.ggml.tokens`; `encode` is not needed for detection.
struct GGUFMetadataVocabulary: TokenVocabulary {
    let tokens: [String]
    let index: [String: Int32]
    let ints: [String: Int]
    let bools: [String: Bool]
    let bos: Int32?
    let eos: Int32?

    init(_ file: GGUFFile) throws {
        tokens = try XCTUnwrap(file.stringArray("tokenizer.ggml.tokens"), "\(file.path) has no tokenizer.ggml.tokens")
        var index: [String: Int32] = [:]
        for (id, text) in tokens.enumerated() where index[text] == nil { index[text] = Int32(id) }
        self.index = index
        var ints: [String: Int] = [:]
        var bools: [String: Bool] = [:]
        for key in file.metadataKeys {
            if let value = file.metadata[key]?.bool { bools[key] = value } else if let value = file.int(key) { ints[key] = value }
        }
        self.ints = ints
        self.bools = bools
        bos = file.int("tokenizer.ggml.bos_token_id").map(Int32.init)
        eos = file.int("tokenizer.ggml.eos_token_id").map(Int32.init)
    }

    func encode(_ text: String) -> [Int32] { [] }
    func decode(_ ids: [Int32]) -> String { "" }
    func tokenID(forText text: String) -> Int32? { index[text] }
    func tokenText(_ id: Int32) -> String? { id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil }
    func metadataInt(_ key: String) -> Int? { ints[key] }
    func metadataBool(_ key: String) -> Bool? { bools[key] }
}

final class RealVocabularyTests: XCTestCase {
    func testQwenModelsAreDetectedByTokenText() throws {
        for name in ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"] {
            let file = try GGUFFile(path: try TestModels.path(name))
            let vocabulary = try GGUFMetadataVocabulary(file)
            XCTAssertNil(vocabulary.metadataInt("tokenizer.ggml.fim_pre_token_id"), "the pinned Qwen files carry no fim_* keys")
            let fim = try FIMTokens.detect(in: vocabulary, model: name)
            XCTAssertEqual(fim.format.name, "Qwen2.5-Coder", name)
            XCTAssertEqual([fim.prefix, fim.suffix, fim.middle], [151659, 151661, 151660], name)
            XCTAssertEqual([fim.repoName, fim.fileSeparator], [151663, 151664], name)
            XCTAssertNil(fim.bos, name)
            XCTAssertTrue(fim.stopTokens.isSuperset(of: [151643, 151645, 151662, 151664]), name)
        }
    }

    func testSmolLM2HasNoFIMTokens() throws {
        let name = "smollm2-135m"
        let file = try GGUFFile(path: try TestModels.path(name))
        XCTAssertThrowsError(try FIMTokens.detect(in: try GGUFMetadataVocabulary(file), model: name)) { error in
            XCTAssertEqual(error as? FIMError, .noFIMTokens(model: name))
        }
    }
}
