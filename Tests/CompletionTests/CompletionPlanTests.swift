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
}
