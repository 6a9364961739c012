import XCTest
@testable import CompletionBackend

/// When a request's answer is retried, and where a run past its time limit may stop.
final class GenerationAttemptTests: XCTestCase {
    private func attempt(_ pieces: [(Int32, String)], finish: Generation.Ending) -> GenerationAttempt {
        var attempt = GenerationAttempt()
        for (token, piece) in pieces { attempt.append(token, piece) }
        attempt.finish(Generation(tokens: pieces.map(\.0), ending: finish))
        return attempt
    }

    func testRetryExcludesTheFirstWord() throws {
        let a = attempt([(10, "\n"), (11, "    "), (12, "return"), (13, " x")], finish: .stopToken(0))
        let retry = try XCTUnwrap(a.retry())
        XCTAssertEqual(retry.kept.tokens, [10, 11])
        XCTAssertEqual(retry.excluded, [12])
    }

    /// The healed text is the user's own: the first word is the answer's first, after it.
    func testRetryLooksForTheFirstWordAfterTheHealedText() throws {
        let a = attempt([(10, "_indent"), (11, "\n\n"), (12, "    #"), (13, " note")], finish: .stopToken(0))
        let retry = try XCTUnwrap(a.retry(healed: "_indent"))
        XCTAssertEqual(retry.kept.tokens, [10, 11])
        XCTAssertEqual(retry.excluded, [12])
        // A token that writes the healed text and more: the more is the first word.
        let b = attempt([(20, "_indenter"), (21, " = 1")], finish: .stopToken(0))
        XCTAssertEqual(try XCTUnwrap(b.retry(healed: "_indent")).excluded, [20])
        let c = attempt([(30, "_ind"), (31, "ent"), (32, " ")], finish: .stopToken(0))
        XCTAssertNil(c.retry(healed: "_indent"), "nothing past the healed text")
    }

    /// A model that ends at once: nothing to retry for the editor's automatic requests; for one the
    /// user invoked, the same start again with every token that would end it excluded.
    func testAnAnswerOfNothingIsRetriedOnlyWhenTheUserAskedForIt() throws {
        let empty = attempt([], finish: .stopToken(7))
        XCTAssertNil(empty.retry())
        let forced = try XCTUnwrap(empty.retry(endingIt: [7, 8]))
        XCTAssertEqual(forced.kept.tokens, [])
        XCTAssertEqual(forced.excluded, [7, 8])
        let blank = attempt([(10, "    "), (11, "\n")], finish: .stopToken(7))
        XCTAssertEqual(try XCTUnwrap(blank.retry(endingIt: [7])).kept.tokens, [10, 11])
        // Cut short (time or token limit), not ended by the model: no forced retry.
        XCTAssertNil(attempt([(10, "    ")], finish: .maxTokens).retry(endingIt: [7]))
    }

    func testTheTimeLimitStopsOnlyAfterALineOfCode() {
        XCTAssertFalse(attempt([(10, "    "), (11, "\n")], finish: .maxTokens).endsALineOfCode, "a blank line")
        XCTAssertFalse(attempt([(10, "    x = 1")], finish: .maxTokens).endsALineOfCode, "mid-line")
        XCTAssertTrue(attempt([(10, "\n"), (11, "    x = 1\n")], finish: .maxTokens).endsALineOfCode)
        XCTAssertFalse(attempt([(10, "    if n < 0:"), (11, "\n")], finish: .maxTokens).endsALineOfCode, "a header without its body")
        XCTAssertFalse(attempt([(10, "    x = f("), (11, " \n")], finish: .maxTokens).endsALineOfCode, "a call going on")
        XCTAssertTrue(attempt([(10, "    if n < 0:\n"), (11, "        n = -n\n")], finish: .maxTokens).endsALineOfCode)
    }

    /// An early answer keeps whole words: the last word may still grow (`self.plac` → `self.`).
    func testWholeWords() {
        XCTAssertEqual(GenerationAttempt.wholeWords("self.plac"), "self.")
        XCTAssertEqual(GenerationAttempt.wholeWords("if we're allowed to"), "if we're allowed")
        XCTAssertEqual(GenerationAttempt.wholeWords("len(chunks) > "), "len(chunks) >")
        XCTAssertEqual(GenerationAttempt.wholeWords("x_1 = compute("), "x_1 = compute(")
        XCTAssertEqual(GenerationAttempt.wholeWords("naïve_é"), "", "no whole word yet")
        XCTAssertEqual(GenerationAttempt.wholeWords(""), "")
    }
}
