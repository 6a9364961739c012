import Foundation
import XCTest
@testable import Tokenizer

/// Token ids llama.cpp (llama-cpp-python 0.3.36) gives for sample texts with the pinned models'
/// vocabularies, recorded by tools/make-tokenizer-fixture.py: BOS on and off, special tokens
/// parsed and not.
final class LlamaCppFixtureTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let model: String
            let text: String
            let add_special: Bool
            let parse_special: Bool
            let ids: [Int32]
        }
        struct Vocabulary: Decodable {
            let bos, eos, fim_pre, fim_suf, fim_mid, fim_pad, fim_rep, fim_sep: Int32
            let add_bos: Bool
            let n_tokens: Int
            let eog: [Int32]
            let control: [Int32]
        }
        let generator: String
        let vocabularies: [String: Vocabulary]
        let cases: [Case]
    }

    func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/llama-cpp-token-ids.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Special tokens and end-of-generation sets as llama.cpp derives them (-1 = none).
    func testSpecialTokensMatchLlamaCpp() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.vocabularies.count, 2)
        for (name, v) in fixture.vocabularies {
            let t = try TestData.model(name)
            func id(_ x: Int32?) -> Int32 { x ?? -1 }
            XCTAssertEqual(t.vocabularySize, v.n_tokens, name)
            XCTAssertEqual(id(t.bos), v.bos, name)
            XCTAssertEqual(id(t.eos), v.eos, name)
            XCTAssertEqual([t.fimPrefix, t.fimSuffix, t.fimMiddle, t.fimPad, t.fimRepo, t.fimSeparator].map(id),
                           [v.fim_pre, v.fim_suf, v.fim_mid, v.fim_pad, v.fim_rep, v.fim_sep], name)
            XCTAssertEqual(t.addsBOS, v.add_bos, name)
            XCTAssertEqual(t.endOfGenerationTokens, Set(v.eog), name)
            XCTAssertEqual((0..<Int32(t.vocabularySize)).filter { t.tokenType($0) == .control }, v.control, name)
            if let eot = t.eot { XCTAssertTrue(v.eog.contains(eot), name) }
        }
    }

    func testPinnedModelsMatchLlamaCpp() throws {
        let fixture = try loadFixture()
        XCTAssertGreaterThan(fixture.cases.count, 100)
        for c in fixture.cases {
            let tokenizer = try TestData.model(c.model)
            let got = tokenizer.encode(c.text, addBOS: c.add_special && tokenizer.addsBOS, parseSpecial: c.parse_special)
            XCTAssertEqual(got, c.ids, "\(c.model) addBOS=\(c.add_special) parseSpecial=\(c.parse_special): \(c.text.debugDescription)")
        }
    }
}
