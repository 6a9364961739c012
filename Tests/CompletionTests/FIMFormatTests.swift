import XCTest
@testable import Completion

final class FIMFormatTests: XCTestCase {
    func testQwenIsFoundByTokenTextWithoutMetadataKeys() throws {
        let fim = try FIMTokens.detect(in: FakeVocabulary.qwen, model: "qwen.gguf")
        XCTAssertEqual(fim.format.name, "Qwen2.5-Coder")
        XCTAssertEqual([fim.prefix, fim.suffix, fim.middle], [151659, 151661, 151660])
        XCTAssertEqual(fim.repoName, 151663)
        XCTAssertEqual(fim.fileSeparator, 151664)
        XCTAssertNil(fim.bos, "Qwen prompts start without BOS")
        // <|endoftext|> ends FIM output although the file's EOS is <|im_end|>.
        for stop: Int32 in [151643, 151645, 151662, 151664] { XCTAssertTrue(fim.stopTokens.contains(stop), "\(stop)") }
        XCTAssertTrue(fim.stopStrings.contains("<|endoftext|>"))
    }

    func testCodeLlamaSpellingsWithSentencePieceSpace() throws {
        let fim = try FIMTokens.detect(in: FakeVocabulary.codeLlama, model: "codellama.gguf")
        XCTAssertEqual(fim.format.name, "Code Llama")
        XCTAssertEqual([fim.prefix, fim.suffix, fim.middle], [32007, 32008, 32009])
        XCTAssertEqual(fim.bos, 1)
        XCTAssertTrue(fim.stopTokens.isSuperset(of: [32010, 2]))
        XCTAssertTrue(fim.format.prefixLeadingSpace)
    }

    func testCodeLlamaPlainSpellings() throws {
        let vocabulary = FakeVocabulary(specials: ["<s>": 1, "</s>": 2, "<PRE>": 32007, "<SUF>": 32008, "<MID>": 32009, "<EOT>": 32010], bos: 1, eos: 2)
        let fim = try FIMTokens.detect(in: vocabulary, model: "synthetic-codellama.gguf")
        XCTAssertEqual(fim.format.name, "Code Llama")
        XCTAssertTrue(fim.stopTokens.contains(32010))
    }

    func testDeepSeekStarCoderCodeGemma() throws {
        let deepSeek = try FIMTokens.detect(in: FakeVocabulary.deepSeek, model: "ds")
        XCTAssertEqual(deepSeek.format.name, "DeepSeek-Coder")
        XCTAssertEqual([deepSeek.prefix, deepSeek.suffix, deepSeek.middle], [32016, 32015, 32017])
        XCTAssertEqual(deepSeek.bos, 32013)

        let star = try FIMTokens.detect(in: FakeVocabulary.starCoder2, model: "sc2")
        XCTAssertEqual(star.format.name, "StarCoder")
        XCTAssertEqual(star.fileSeparator, 6)
        XCTAssertEqual(star.repoName, 5)
        XCTAssertNil(star.bos)

        // Same FIM names as Qwen; <|file_separator|> tells CodeGemma apart.
        let gemma = try FIMTokens.detect(in: FakeVocabulary.codeGemma, model: "cg")
        XCTAssertEqual(gemma.format.name, "CodeGemma")
        XCTAssertEqual(gemma.bos, 2)
        XCTAssertTrue(gemma.stopTokens.isSuperset(of: [70, 1]))
    }

    func testMetadataKeysWinOverTokenText() throws {
        var vocabulary = FakeVocabulary.qwen
        vocabulary.specials["<my_pre>"] = 7
        vocabulary.specials["<my_suf>"] = 8
        vocabulary.specials["<my_mid>"] = 9
        vocabulary.specials["<my_eot>"] = 10
        vocabulary.metadata = [
            "tokenizer.ggml.fim_pre_token_id": 7, "tokenizer.ggml.fim_suf_token_id": 8,
            "tokenizer.ggml.fim_mid_token_id": 9, "tokenizer.ggml.eot_token_id": 10,
        ]
        let fim = try FIMTokens.detect(in: vocabulary, model: "custom")
        XCTAssertEqual([fim.prefix, fim.suffix, fim.middle], [7, 8, 9])
        XCTAssertTrue(fim.stopTokens.contains(10))
    }

    func testMetadataKeyOutsideVocabularyIsAnError() {
        var vocabulary = FakeVocabulary.qwen
        vocabulary.metadata = ["tokenizer.ggml.fim_pre_token_id": 999_999_999]
        XCTAssertThrowsError(try FIMTokens.detect(in: vocabulary, model: "broken.gguf")) { error in
            XCTAssertEqual(error as? FIMError, .badTokenID(key: "tokenizer.ggml.fim_pre_token_id", id: 999_999_999, model: "broken.gguf"))
            XCTAssertTrue("\(error)".contains("broken.gguf"))
        }
    }

    func testModelWithoutFIMTokensGetsAClearError() {
        XCTAssertThrowsError(try FIMTokens.detect(in: FakeVocabulary.noFIM, model: "smollm2-135m.gguf")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("smollm2-135m.gguf"), message)
            XCTAssertTrue(message.contains("fill-in-the-middle"), message)
            XCTAssertTrue(message.contains("left-to-right"), message)
        }
        let plain = FIMTokens.leftToRight(FakeVocabulary.noFIM)
        XCTAssertTrue(plain.isLeftToRight)
        XCTAssertTrue(plain.stopTokens.isSuperset(of: [0, 2]))
    }

    func testEveryTableEntryIsDetectableFromItsOwnTokens() throws {
        // A new family is one table entry: this walks the table, no new test code needed.
        for format in FIMFormat.table {
            var specials: [String: Int32] = [:]
            var next: Int32 = 10
            for name in [format.prefix[0], format.suffix[0], format.middle[0]] + format.markers
                + format.stopTokens.prefix(1) + format.repoName.prefix(1) + format.fileSeparator.prefix(1) {
                if specials[name] == nil { specials[name] = next; next += 1 }
            }
            let fim = try FIMTokens.detect(in: FakeVocabulary(specials: specials, bos: 1, eos: nil), model: format.name)
            XCTAssertEqual(fim.format.name, format.name)
            XCTAssertEqual(fim.prefix, specials[format.prefix[0]])
            if let stop = format.stopTokens.first { XCTAssertTrue(fim.stopTokens.contains(specials[stop]!), format.name) }
        }
    }
}
