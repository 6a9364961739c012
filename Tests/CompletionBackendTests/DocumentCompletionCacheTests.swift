import Completion
import XCTest
@testable import CompletionBackend

/// The states a document goes through between requests, walked without a model.
final class DocumentCompletionCacheTests: XCTestCase {
    let uri = "file:///a.py"

    func shown(_ prefix: String, _ middle: String, unfinished: Bool = false) -> ShownCompletion {
        ShownCompletion(prefix: prefix, suffix: "\n", middle: middle, unfinished: unfinished)
    }

    func testShownThenPrecomputedThenTaken() throws {
        var cache = DocumentCompletionCache()
        XCTAssertNil(cache.typedThrough(uri, prefix: "x = co", suffix: "\n"))

        // A request ran: typing the start of what it showed is answered from it.
        cache.requestRan(uri, shown: shown("x = ", "compute(1)"))
        XCTAssertEqual(cache.typedThrough(uri, prefix: "x = co", suffix: "\n")?.middle, "mpute(1)")
        XCTAssertNil(cache.typedThrough(uri, prefix: "x = cx", suffix: "\n"), "typed something else")
        XCTAssertNil(cache.typedThrough("file:///b.py", prefix: "x = co", suffix: "\n"), "another document")

        // The precompute for the document once it is accepted: a request for exactly that one waits.
        let running = RunningPrecompute(uri: uri, prefix: "x = compute(1)", suffix: "\n")
        cache.precomputeStarted(running)
        XCTAssertTrue(cache.precomputing(uri, prefix: "x = compute(1)", suffix: "\n") === running)
        XCTAssertTrue(cache.precomputing(uri, prefix: "x = compute(1)", suffix: "\r\n") === running, "any line ending")
        XCTAssertNil(cache.precomputing(uri, prefix: "x = compute(1", suffix: "\n"))
        XCTAssertNil(cache.takePrecomputed(uri, prefix: "x = compute(1)", suffix: "\n"), "not computed yet")
        XCTAssertEqual(cache.typedThrough(uri, prefix: "x = c", suffix: "\n")?.middle, "ompute(1)", "the shown one still answers")

        // Computed: typing past the shown completion goes on into it.
        cache.precomputeFinished(running, completion: shown("x = compute(1)", "\ny = 2"),
                                 output: CompletionOutput(middle: "\ny = 2", promptTokens: 40))
        XCTAssertNil(cache.precomputing(uri, prefix: "x = compute(1)", suffix: "\n"))
        XCTAssertEqual(cache.typedThrough(uri, prefix: "x = compute(1)\ny", suffix: "\n")?.middle, " = 2")

        // Accepted: answered from it, which is the one shown now.
        XCTAssertNil(cache.takePrecomputed(uri, prefix: "x = compute(2)", suffix: "\n"), "another document")
        let taken = try XCTUnwrap(cache.takePrecomputed(uri, prefix: "x = compute(1)", suffix: "\n"))
        XCTAssertEqual(taken, CompletionOutput(middle: "\ny = 2", promptTokens: 40))
        XCTAssertEqual(cache[uri].shown?.middle, "\ny = 2")
        XCTAssertNil(cache[uri].upcoming)
        XCTAssertNil(cache.takePrecomputed(uri, prefix: "x = compute(1)", suffix: "\n"), "taken once")

        // An empty answer is taken too, and then nothing is shown.
        let empty = RunningPrecompute(uri: uri, prefix: "x = compute(1)\ny = 2", suffix: "\n")
        cache.precomputeStarted(empty)
        cache.precomputeFinished(empty, completion: shown("x = compute(1)\ny = 2", ""), output: CompletionOutput(middle: ""))
        XCTAssertEqual(cache.takePrecomputed(uri, prefix: "x = compute(1)\ny = 2", suffix: "\n")?.middle, "")
        XCTAssertNil(cache[uri].shown)
    }

    /// Only the document's latest precompute counts; one that stopped leaves nothing behind.
    func testAReplacedOrStoppedPrecomputeLeavesNothing() {
        var cache = DocumentCompletionCache()
        let old = RunningPrecompute(uri: uri, prefix: "a", suffix: "\n")
        let new = RunningPrecompute(uri: uri, prefix: "ab", suffix: "\n")
        cache.precomputeStarted(old)
        cache.precomputeStarted(new)
        cache.precomputeFinished(old, completion: shown("a", "bc"), output: CompletionOutput(middle: "bc"))
        cache.precomputeStopped(old)
        XCTAssertTrue(cache.precomputing(uri, prefix: "ab", suffix: "\n") === new)
        cache.precomputeStopped(new)
        XCTAssertNil(cache[uri].upcoming)
        // A request that ran drops what was upcoming.
        cache.precomputeStarted(old)
        cache.requestRan(uri, shown: nil)
        XCTAssertNil(cache[uri].upcoming)
        cache.precomputeFinished(old, completion: shown("a", "bc"), output: CompletionOutput(middle: "bc"))
        XCTAssertNil(cache[uri].upcoming, "finished after a request replaced it")
    }

    /// An early answer's continuation is shown behind it as the user types the words given.
    func testEarlyAnswerThenItsContinuation() {
        var cache = DocumentCompletionCache()
        cache.requestRan(uri, shown: shown("y = ", "f(a,", unfinished: true))
        let rest = RunningPrecompute(uri: uri, prefix: "y = f(a,", suffix: "\n")
        cache.precomputeStarted(rest)
        XCTAssertEqual(cache.typedThrough(uri, prefix: "y = f", suffix: "\n")?.middle, "(a,")
        cache.precomputeFinished(rest, completion: shown("y = f(a,", " b)"), output: CompletionOutput(middle: " b)"))
        XCTAssertEqual(cache.typedThrough(uri, prefix: "y = f", suffix: "\n")?.middle, "(a, b)")
    }

    func testWindowAndForget() {
        var cache = DocumentCompletionCache()
        let window = PromptWindow(linesBeforePrefix: 16, linesAfterSuffix: 4)
        cache.setWindow(window, for: uri)
        cache.requestRan(uri, shown: shown("x = ", "1"))
        XCTAssertEqual(cache[uri].window, window)
        XCTAssertNil(cache["file:///b.py"].window)
        cache.forget(uri)
        XCTAssertNil(cache[uri].window)
        XCTAssertNil(cache[uri].shown)
    }

    /// A request waiting for a precompute goes on when it ends, or when the request is cancelled.
    func testWaitingForAPrecomputeEndsWithItOrWithTheRequest() async {
        let running = RunningPrecompute(uri: uri, prefix: "a", suffix: "\n")
        let request = CancellationToken()
        Task { running.end() }
        await running.waitForEnd(unless: request)

        let other = RunningPrecompute(uri: uri, prefix: "a", suffix: "\n")
        let cancelled = CancellationToken()
        Task { cancelled.cancel() }
        await other.waitForEnd(unless: cancelled)
        XCTAssertTrue(cancelled.isCancelled)
        await other.waitForEnd(unless: cancelled)  // already cancelled: at once
    }
}
