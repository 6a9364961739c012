// The prompt builder on the real tokenizer: the pinned Qwen model and llama.cpp's vocabulary files.
import XCTest
import GGUF
import Tokenizer
import InfillTestSupport
@testable import Completion

final class TokenizerVocabularyTests: XCTestCase {
    func vocabulary(model name: String) throws -> TokenizerVocabulary {
        TokenizerVocabulary(try Tokenizer(gguf: try GGUFFile(path: try TestModels.path(name))))
    }

    /// llama.cpp's vocabulary-only test files, extracted by scripts/fetch-test-data.
    func vocabulary(vocab name: String) throws -> TokenizerVocabulary {
        let path = "\(TestModels.cacheDirectory)/vocab/ggml-vocab-\(name).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("missing \(path): run scripts/fetch-test-data (extracts llama.cpp's vocabulary files into \(TestModels.cacheDirectory)/vocab)")
            throw XCTSkip("vocabulary missing")
        }
        return TokenizerVocabulary(try Tokenizer(gguf: try GGUFFile(path: path)))
    }

    func testQwenPromptFromTokenIDs() throws {
        let vocabulary = try vocabulary(model: "qwen2.5-coder-0.5b")
        let fim = try FIMTokens.detect(in: vocabulary, model: "qwen2.5-coder-0.5b")
        XCTAssertEqual(fim.format.name, "Qwen2.5-Coder")
        XCTAssertEqual([fim.prefix, fim.suffix, fim.middle], [151659, 151661, 151660])
        let prefix = "# a user writes <|fim_prefix|> and <|endoftext|> in a comment\ndef f(x):\n    "
        let prompt = PromptBuilder(tokens: fim).build(FIMRequest(prefix: prefix, suffix: "\n    return y\n"), vocabulary: vocabulary)
        XCTAssertEqual(prompt.tokens.first, 151659)
        XCTAssertEqual(prompt.tokens.last, 151660)
        XCTAssertEqual(prompt.tokens.filter { $0 == 151659 }.count, 1, "user text stays plain text")
        XCTAssertFalse(prompt.tokens.contains(151643))
        // The cursor line goes after the middle token, its one token ("    ") held back for healing.
        XCTAssertEqual(vocabulary.tokenizer.decode(prompt.tokens, renderSpecial: true),
                       "<|fim_prefix|>" + prefix.dropLast(4) + "<|fim_suffix|>\n    return y\n<|fim_middle|>")
        XCTAssertEqual(prompt.healedText, "    ")
    }

    /// A partial word is held back whole, so the model writes the word as it tokenizes it.
    func testHealingOnTheRealVocabulary() throws {
        let vocabulary = try vocabulary(model: "qwen2.5-coder-0.5b")
        let (kept, healed) = PromptBuilder.healed("    area = circle_ar", vocabulary: vocabulary)
        XCTAssertEqual(vocabulary.decode(kept) + healed, "    area = circle_ar")
        XCTAssertEqual(healed, "_ar")
        XCTAssertEqual(PromptBuilder.healed("    print(", vocabulary: vocabulary).healed, "(")
        XCTAssertEqual(PromptBuilder.healed("    s = \"日本", vocabulary: vocabulary).healed.last, "本")
    }

    func testLlamaCppVocabularies() throws {
        let deepSeek = try FIMTokens.detect(in: try vocabulary(vocab: "deepseek-coder"), model: "deepseek-coder")
        XCTAssertEqual(deepSeek.format.name, "DeepSeek-Coder")
        XCTAssertEqual([deepSeek.prefix, deepSeek.suffix, deepSeek.middle], [32016, 32015, 32017])
        XCTAssertEqual(deepSeek.bos, 32013)

        let star = try FIMTokens.detect(in: try vocabulary(vocab: "starcoder"), model: "starcoder")
        XCTAssertEqual(star.format.name, "StarCoder")
        XCTAssertEqual([star.prefix, star.suffix, star.middle, star.repoName, star.fileSeparator], [1, 3, 2, 5, 6])

        XCTAssertThrowsError(try FIMTokens.detect(in: try vocabulary(vocab: "llama-spm"), model: "llama-spm")) { error in
            XCTAssertEqual(error as? FIMError, .noFIMTokens(model: "llama-spm"))
        }
    }

    /// SentencePiece with a space prefix: `encode` adds none, so Code Llama's prefix gets exactly one
    /// (by encoding " " + prefix) and its suffix none, as the Code Llama paper lays the prompt out.
    func testSentencePieceEncodeWithoutSpacePrefix() throws {
        let vocabulary = try vocabulary(vocab: "llama-spm")
        XCTAssertTrue(vocabulary.tokenizer.addsSpacePrefix)
        for text in ["int main() {", "  return 0;", "x", "\n\tfoo(bar)\n"] {
            XCTAssertEqual(vocabulary.encode(" " + text), vocabulary.tokenizer.encode(text), text)
            let ids = vocabulary.encode(text)
            XCTAssertFalse(vocabulary.tokenizer.tokenText(ids[0]).hasPrefix("▁") && !text.hasPrefix(" "), text)
        }
    }

    /// Typing a line character by character into a 300-line file, with another file as context: the
    /// share of each prompt's tokens that the previous prompt already had (the engine's KV reuse).
    func testKeystrokePromptReuseWithTheRealTokenizer() throws {
        let vocabulary = try vocabulary(model: "qwen2.5-coder-0.5b")
        let builder = PromptBuilder(tokens: try FIMTokens.detect(in: vocabulary, model: "qwen"), budget: PromptBudget())
        var file = "import math\n\n"
        for n in 0..<60 {
            file += "def f\(n)(x, y=\(n)):\n    \"\"\"Scale x by \(n).\"\"\"\n    z = math.sqrt(x * x + y * y)\n    return z * \(n)\n\n"
        }
        let other = ContextFile(path: "util.py", text: (0..<40).map { "CONSTANT_\($0) = \($0 * 7)\n" }.joined())
        var shares: [Double] = []
        var previous: [Int32] = []
        var typed = ""
        for character in "result = f12(3.0, y=4.0) + f7(1.0)" {
            typed.append(character)
            let prompt = builder.build(FIMRequest(prefix: file + typed, suffix: "\n\nprint(result)\n", path: "main.py",
                                                  repositoryName: "demo", context: [other]), vocabulary: vocabulary)
            if !previous.isEmpty {
                let common = zip(previous, prompt.tokens).prefix(while: { $0 == $1 }).count
                shares.append(Double(common) / Double(prompt.tokens.count))
            }
            previous = prompt.tokens
        }
        let mean = shares.reduce(0, +) / Double(shares.count)
        print("keystroke prompt reuse (Qwen tokenizer, \(previous.count)-token prompt): mean \(mean), min \(shares.min()!)")
        XCTAssertGreaterThanOrEqual(mean, 0.9)
    }
}
