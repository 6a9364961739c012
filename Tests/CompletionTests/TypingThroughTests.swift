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

    /// An answer given early goes on with the completion computed for after accepting it.
    func testUnfinishedAnswerContinuedByTheNextOne() throws {
        let early = ShownCompletion(prefix: "x = ", suffix: "\n", middle: "max(a,", unfinished: true)
        let rest = ShownCompletion(prefix: "x = max(a,", suffix: "\n", middle: " b)")
        let joined = try XCTUnwrap(early.continued(by: rest))
        XCTAssertEqual(joined, ShownCompletion(prefix: "x = ", suffix: "\n", middle: "max(a, b)"))
        XCTAssertEqual(TypingThrough.remaining(after: joined, prefix: "x = ma", suffix: "\n"), CompletionEdit(text: "x(a, b)"))

        var finished = early
        finished.unfinished = false
        XCTAssertNil(finished.continued(by: rest), "a finished answer ends there")
        XCTAssertNil(early.continued(by: ShownCompletion(prefix: "x = max(b,", suffix: "\n", middle: " c)")), "another document")
        XCTAssertNil(early.continued(by: ShownCompletion(prefix: "x = max(a,", suffix: "\ny\n", middle: " b)")), "another suffix")
    }
}
