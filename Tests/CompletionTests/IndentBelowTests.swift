import XCTest
@testable import Completion

/// `Trim.indentBelow` through the pipeline: when the model ends with a header and more indentation,
/// the header stays and the edit indents the code below; otherwise the header goes as before.
final class IndentBelowTests: XCTestCase {
    let prefix = "def f(s):\n    depth = 0\n    for b in s:\n        if b == '(':\n"
    let suffix = "\n            return False\n\n    return depth == 0\n"
    let middle = "            depth += 1\n        else:\n            depth -= 1\n            if depth < 0:\n    "

    func testHeaderOverTheCodeBelowStaysAndIndentsIt() throws {
        let edit = try XCTUnwrap(Trimmer.trim(middle, context: TrimContext(prefix: prefix, suffix: suffix)))
        XCTAssertEqual(edit.text, "            depth += 1\n        else:\n            depth -= 1\n            if depth < 0:")
        XCTAssertEqual(edit.indentBelow, IndentBelow(firstLine: 1, lines: ["            return False"], indentation: "    "))
    }

    func testNestedLinesComeAlongAndTrailingBlankLinesStayOut() throws {
        let suffix = "\n        if x:\n\n            y()\n\n    return 0\n"
        let below = Trim.indentBelow("        z = 1\n        while True:\n    ", TrimContext(prefix: "def f(x):\n", suffix: suffix))
        XCTAssertEqual(below, IndentBelow(firstLine: 1, lines: ["        if x:", "", "            y()"], indentation: "    "))
    }

    func testTabIndentedDocumentGetsATab() throws {
        let context = TrimContext(prefix: "def f(x):\n", suffix: "\n\treturn 1\n", indentStyle: IndentStyle(usesTabs: true))
        XCTAssertEqual(Trim.indentBelow("\tif x:\n    ", context)?.indentation, "\t")
    }

    func testNotWhenTheModelDidNotEndItOrTheCodeBelowIsAlreadyTheBody() throws {
        var context = TrimContext(prefix: prefix, suffix: suffix)
        context.endedByModel = false
        XCTAssertNil(Trim.indentBelow(middle, context))
        XCTAssertNil(Trim.indentBelow("            if depth < 0:\n    ", TrimContext(prefix: prefix, suffix: "\n                return False\n")))
        XCTAssertNil(Trim.indentBelow("            if depth < 0:\n", TrimContext(prefix: prefix, suffix: suffix)), "no added indentation")
        // Without the trailing indentation the header is dropped, as `danglingHeader` says.
        let plain = try XCTUnwrap(Trimmer.trim(String(middle.dropLast(5)), context: TrimContext(prefix: prefix, suffix: suffix)))
        XCTAssertNil(plain.indentBelow)
        XCTAssertFalse(plain.text.hasSuffix("if depth < 0:"))
    }

    func testTypingThroughKeepsIt() throws {
        let indent = IndentBelow(firstLine: 1, lines: ["    return 1"], indentation: "    ")
        let shown = ShownCompletion(prefix: "def f(x):\n", suffix: "\n    return 1\n", middle: "    if x:", indentBelow: indent)
        let rest = TypingThrough.remaining(after: shown, prefix: "def f(x):\n    if", suffix: "\n    return 1\n")
        XCTAssertEqual(rest, CompletionEdit(text: " x:", indentBelow: indent))
    }
}
