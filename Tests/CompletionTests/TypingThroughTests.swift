import XCTest
@testable import Completion

final class TypingThroughTests: XCTestCase {
    let shown = ShownCompletion(prefix: "def f(x):\n    ret", suffix: "\n", middle: "urn x * 2")

    func testTypedCharactersMatchingTheStart() {
        XCTAssertEqual(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    retu", suffix: "\n"),
                       CompletionEdit(text: "rn x * 2"))
        XCTAssertEqual(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    return x", suffix: "\n"),
                       CompletionEdit(text: " * 2"))
    }

    func testMismatchOrOtherEditsGiveNil() {
        XCTAssertNil(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    retx", suffix: "\n"))
        XCTAssertNil(TypingThrough.remaining(after: shown, prefix: "def f(y):\n    retu", suffix: "\n"))
        XCTAssertNil(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    ret", suffix: "\n"), "nothing typed: not typing-through")
        XCTAssertNil(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    return x * 2", suffix: "\n"), "all typed")
        XCTAssertNil(TypingThrough.remaining(after: shown, prefix: "def f(x):\n    retu", suffix: "\nmore\n"))
    }

    func testAutoPairedCloserIsNotProposedTwice() {
        let shown = ShownCompletion(prefix: "x = ", suffix: "\n", middle: "max(a, b)")
        // The user typed "max(" and the editor inserted ")".
        XCTAssertEqual(TypingThrough.remaining(after: shown, prefix: "x = max(", suffix: ")\n"),
                       CompletionEdit(text: "a, b"))
    }

    func testLineEndingOfTheDocument() {
        let shown = ShownCompletion(prefix: "a", suffix: "", middle: "bc\nd")
        let context = TrimContext(prefix: "", suffix: "", lineEnding: .crlf)
        XCTAssertEqual(TypingThrough.remaining(after: shown, prefix: "ab", suffix: "", context: context)?.text, "c\r\nd")
    }
}
