import XCTest
@testable import Completion

final class CompletionPlanTests: XCTestCase {
    func testCRLFTabDocumentEndToEnd() throws {
        let vocabulary = FakeVocabulary.qwen
        let builder = PromptBuilder(tokens: try FIMTokens.detect(in: vocabulary, model: "qwen"))
        let plan = CompletionPlan(
            builder: builder, vocabulary: vocabulary,
            prefix: "func f() {\r\n\tif x {\r\n\t\t", suffix: "\r\n\t}\r\n}\r\n", language: .go,
            formatting: EditorFormatting(insertSpaces: true, tabSize: 4))
        XCTAssertEqual(plan.trimContext.lineEnding, .crlf)
        XCTAssertEqual(plan.trimContext.indentStyle, IndentStyle(usesTabs: true, tabSize: 4), "the document's tabs win over the editor's default")
        XCTAssertFalse(vocabulary.render(plan.prompt.tokens).contains("\r"), "the prompt is LF")
        XCTAssertEqual(plan.edit(for: "y()\n        z()\n    }<|endoftext|>"),
                       CompletionEdit(text: "y()\r\n\t\tz()"))
        XCTAssertTrue(plan.shouldStop(generatedSoFar: "y()<|endoftext|>"))
        XCTAssertFalse(plan.shouldStop(generatedSoFar: "y()\n        z("))
    }

    /// On a blank line the line is the hole: the model sees the suffix from the next line, writes
    /// whole lines with their line break, and the edit leaves the document's own break alone.
    func testBlankLineIsTheHole() throws {
        let vocabulary = FakeVocabulary.qwen
        let builder = PromptBuilder(tokens: try FIMTokens.detect(in: vocabulary, model: "qwen"))
        let plan = CompletionPlan(builder: builder, vocabulary: vocabulary,
                                  prefix: "def f(x):\n    ", suffix: "\n    return y\n")
        XCTAssertEqual(vocabulary.render(plan.prompt.tokens),
                       "⟨<|fim_prefix|>⟩def f(x):\n⟨<|fim_suffix|>⟩    return y\n⟨<|fim_middle|>⟩   ")
        XCTAssertEqual(plan.prompt.healedText, " ", "the fake vocabulary's last token: one space")
        XCTAssertEqual(plan.edit(for: " y = x + 1\n"), CompletionEdit(text: "y = x + 1"))
        XCTAssertEqual(plan.trimContext.suffix, "\n    return y\n", "trimming sees the document as it is")

        let onCode = CompletionPlan(builder: builder, vocabulary: vocabulary,
                                    prefix: "def f(x):\n    y = ", suffix: "\n    return y\n")
        XCTAssertTrue(vocabulary.render(onCode.prompt.tokens).contains("⟨<|fim_suffix|>⟩\n    return y"),
                      "a line with code keeps its line break in the suffix")
    }
}
