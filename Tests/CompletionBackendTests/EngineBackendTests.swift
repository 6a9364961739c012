import InfillTestSupport
import XCTest
@testable import CompletionBackend

/// The real backend on the pinned 0.5B model: typing-through and the completion precomputed for
/// after an acceptance, which both answer without running the model.
final class EngineBackendTests: XCTestCase {
    static let source = """
        def is_prime(n):
            if n < 2:
                return False
            for k in range(2, n):
                if n % k == 0:
                    return False
            return True


        def primes_below(limit):
            result = []
            for n in range(limit):

        """

    func input(prefix: String, suffix: String = "\n") -> CompletionInput {
        CompletionInput(mode: .inline, uri: "file:///tmp/primes.py", languageId: "python", version: 1,
                        prefix: prefix, suffix: suffix, maxNewTokens: 24, deadline: .now + .seconds(60))
    }

    func testAcceptedCompletionIsPrecomputedAndAnsweredWithoutTheModel() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let prefix = Self.source + "        if is_prime"
        let first = try await backend.complete(input(prefix: prefix), isCancelled: { false })
        XCTAssertFalse(first.middle.isEmpty, "the model proposes the rest of the line")
        XCTAssertGreaterThan(first.promptTokens, 0)

        // Typing the completion's first character is answered from it.
        let typed = try await backend.complete(input(prefix: prefix + String(first.middle.prefix(1))), isCancelled: { false })
        XCTAssertEqual(typed.middle, String(first.middle.dropFirst()))
        XCTAssertEqual(typed.promptTokens, 0, "typing-through runs no model")

        // Meanwhile the answer for after accepting `first` is computed (typing-through left it running).
        let deadline = Date().addingTimeInterval(120)
        var precomputed: String? = nil
        while precomputed == nil, Date() < deadline {
            precomputed = backend.upcomingMiddle(for: "file:///tmp/primes.py")
            if precomputed == nil { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let next = try XCTUnwrap(precomputed, "no completion was precomputed within 120 s")
        let accepted = try await backend.complete(input(prefix: prefix + first.middle), isCancelled: { false })
        XCTAssertEqual(accepted.middle, next, "the precomputed answer (empty when the model proposed nothing)")
        XCTAssertEqual(accepted.promptTokens, 0, "answered from the precompute")

        // A request elsewhere runs the model again, and stops any precompute first.
        let elsewhere = try await backend.complete(input(prefix: Self.source + "        "), isCancelled: { false })
        XCTAssertGreaterThan(elsewhere.promptTokens, 0)
    }

    /// After didOpen the worker runs the document's prompt in idle time (the warm job); a request
    /// arriving meanwhile interrupts it and reuses the chunks it finished.
    func testOpenedDocumentIsWarmedAndARequestReusesWhatWasFinished() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let text = (1...16).map { Self.source.replacingOccurrences(of: "primes_below", with: "primes_\($0)") }.joined()
        let opened = input(prefix: text, suffix: "")
        backend.documentOpened(opened)
        let deadline = Date().addingTimeInterval(120)
        while backend.warmedTokens < 96, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        let warmed = backend.warmedTokens
        XCTAssertGreaterThanOrEqual(warmed, 96, "the warm job ran chunks")
        var request = input(prefix: text + "    ")
        request.invoked = true  // the full prompt, whatever the generator holds
        let answer = try await backend.complete(request, isCancelled: { false })
        XCTAssertGreaterThan(answer.promptTokens, warmed + 64, "the request came before the warm job finished")
        XCTAssertGreaterThanOrEqual(answer.reusedPromptTokens, warmed, "the warmed chunks were reused")
        let stopped = backend.warmedTokens
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(backend.warmedTokens, stopped, "the request cancelled the warm job")

        // A document some prompt ran for is not warmed again.
        backend.documentOpened(opened)
        _ = try await backend.complete(request, isCancelled: { false })
        XCTAssertEqual(backend.warmedTokens, stopped)
    }

    /// A request superseded while its long prompt runs keeps the chunks it finished (the newer request
    /// waits for the running one), so the next keystroke goes on from them: typing on after opening a
    /// file, ghost text then comes once the prompt has run, not only after a pause as long as all of it.
    func testSupersededRequestKeepsThePromptChunksItRan() async throws {
        XCTAssertEqual(SessionGenerator.unbrokenChunk(layerElements: 358_000_000), 128, "the 0.5B")
        XCTAssertEqual(SessionGenerator.unbrokenChunk(layerElements: 1_310_000_000), 32, "the 1.5B")
        XCTAssertEqual(SessionGenerator.unbrokenChunk(layerElements: 100_000_000), 256, "SmolLM2-135M: at most 256")
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let prefix = (1...4).map { Self.source.replacingOccurrences(of: "primes_below", with: "primes_\($0)") }
            .joined() + "        if is_prime"
        let started = Guarded<ContinuousClock.Instant?>(nil)
        let superseded: @Sendable () -> Bool = {  // as a keystroke half a second into the prompt
            started.withLock { $0 = $0 ?? .now; return ContinuousClock.now - $0! > .milliseconds(500) }
        }
        do {
            _ = try await backend.complete(input(prefix: prefix), isCancelled: superseded)
            XCTFail("superseded")
        } catch is CancellationError {}
        let next = try await backend.complete(input(prefix: prefix + "("), isCancelled: { false })
        XCTAssertGreaterThan(next.promptTokens, 128, "longer than a chunk or two")
        XCTAssertGreaterThanOrEqual(next.reusedPromptTokens, 64, "the superseded request's finished chunks")
    }

    /// At the end of a line just finished, the model ends the line and writes the line below, which the
    /// document already has: ghost text asked for while typing shows nothing at once, while a completion
    /// the user asked for tries again for one that says something.
    func testFinishedLineGetsNoSecondTryWhileTyping() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let lines = Self.source.split(separator: "\n", omittingEmptySubsequences: false)
        let prefix = lines[..<3].joined(separator: "\n"), suffix = "\n" + lines[3...].joined(separator: "\n")
        XCTAssertTrue(prefix.hasSuffix("return False") && suffix.hasPrefix("\n    for k in range(2, n):"))
        var typing = input(prefix: prefix, suffix: suffix)
        typing.multiline = .never
        let automatic = try await backend.complete(typing, isCancelled: { false })
        XCTAssertEqual(automatic.middle, "")
        XCTAssertEqual(backend.attemptsRun, 1, "no second try")
        typing.invoked = true
        typing.uri = "file:///tmp/other.py"
        _ = try await backend.complete(typing, isCancelled: { false })
        XCTAssertEqual(backend.attemptsRun, 3, "asked for: a second try")
    }

    /// Ghost text asked for while typing answers with its first whole words when the time is up; the
    /// precompute after accepting them writes the rest of the line, which typing-through then shows
    /// (the words given and the rest), and a request for the document it computes waits for it
    /// instead of running the model again.
    func testEarlyAnswerIsContinuedInTheBackground() async throws {
        let path = try TestModels.path("qwen2.5-coder-0.5b")
        let prefix = Self.source + "            if is_prime(n):\n                result."
        let reference = try EngineBackend(modelPath: path, threads: nil)
        var finished = input(prefix: prefix)
        finished.precompute = false
        let full = try await reference.complete(finished, isCancelled: { false }).middle
        XCTAssertGreaterThan(full.count, 2, "the model proposes a call: \(full)")

        let backend = try EngineBackend(modelPath: path, threads: nil)
        var typing = input(prefix: prefix)
        typing.firstAnswer = .after(.zero)  // at the first whole word
        let early = try await backend.complete(typing, isCancelled: { false })
        XCTAssertTrue(early.answeredEarly)
        XCTAssertFalse(early.middle.isEmpty)
        XCTAssertTrue(full.hasPrefix(early.middle) && full.count > early.middle.count, "\(early.middle) starts \(full)")

        // The user typed all of it: answered by the precompute (waited for, or already done).
        var accepted = input(prefix: prefix + early.middle)
        accepted.firstAnswer = .whenFinished
        let rest = try await backend.complete(accepted, isCancelled: { false })
        XCTAssertEqual(backend.requestsThatRan, 1, "no second run of the model")
        XCTAssertFalse(rest.answeredEarly)
        XCTAssertEqual(early.middle + rest.middle, full, "the model's own tokens went on as if it had not stopped")

        // Partway through an early answer, once its continuation is computed, both are shown.
        let again = try EngineBackend(modelPath: path, threads: nil)
        let first = try await again.complete(typing, isCancelled: { false })
        var continuation: String? = nil
        let deadline = Date().addingTimeInterval(120)
        while continuation == nil, Date() < deadline {
            continuation = again.upcomingMiddle(for: "file:///tmp/primes.py")
            if continuation == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        let after = try XCTUnwrap(continuation, "no continuation within 120 s")
        XCTAssertEqual(first.middle, early.middle)
        let partway = try await again.complete(input(prefix: prefix + String(first.middle.prefix(1))), isCancelled: { false })
        XCTAssertEqual(partway.middle, String(first.middle.dropFirst()) + after)
        XCTAssertEqual(again.requestsThatRan, 1)
    }

    static let tableLines = (0..<120).map { "    total_\($0) = compute_value(\($0), label=\"row \($0)\")\n" }

    /// A long function of similar lines with line `cursor` blank; a prompt budget of 1,024 tokens (a
    /// suffix budget of 192, about 12 lines), no precompute.
    func request(blankLine cursor: Int) -> CompletionInput {
        let lines = Self.tableLines
        var input = input(prefix: "def table():\n" + lines[..<cursor].joined() + "    ",
                          suffix: "\n" + lines[(cursor + 1)...].joined())
        input.maxNewTokens = 4
        input.contextTokens = 1024
        input.precompute = false
        return input
    }

    /// After the cursor moves a few lines down, the prompt's suffix ends where the last one's did, so
    /// the engine runs only the tokens around the cursor, not the lines a fresh cut would add below.
    func testCursorMovedDownRunsOnlyTheLinesAroundIt() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        var cold = request(blankLine: 60)
        cold.invoked = true  // the full window: a cold request made while typing would get a short one
        let first = try await backend.complete(cold, isCancelled: { false })
        XCTAssertGreaterThan(first.promptTokens - first.reusedPromptTokens, 500, "a cold prompt")
        let moved = try await backend.complete(request(blankLine: 66), isCancelled: { false })
        let lineTokens = backend.vocabulary.encode(Self.tableLines[80]).count
        XCTAssertGreaterThan(lineTokens, 10)
        // A fresh cut would run the 6 lines below the old end, and the cursor's lines on top.
        XCTAssertLessThan(moved.promptTokens - moved.reusedPromptTokens, 3 * lineTokens,
                          "ran \(moved.promptTokens - moved.reusedPromptTokens) of \(moved.promptTokens) prompt tokens")

        // Idle time (the precompute after a shown completion) grows the suffix back to its fitted end,
        // and the next prompt ends it there with its tokens already cached.
        let kept = try XCTUnwrap(backend.window(for: "file:///tmp/primes.py")?.linesAfterSuffix)
        var typed = request(blankLine: 66)
        typed.precompute = true
        let shown = try await backend.complete(typed, isCancelled: { false })
        let deadline = Date().addingTimeInterval(120)
        while backend.window(for: "file:///tmp/primes.py")?.linesAfterSuffix == kept, Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let grownEnd = try XCTUnwrap(backend.window(for: "file:///tmp/primes.py")?.linesAfterSuffix)
        XCTAssertLessThan(grownEnd, kept, "the suffix ends further down once grown")
        typed.prefix += "t"  // a keystroke off the shown completion's path, so the model runs
        if shown.middle.hasPrefix("t") { typed.prefix += "#" }
        typed.precompute = false
        let afterGrowth = try await backend.complete(typed, isCancelled: { false })
        XCTAssertLessThan(afterGrowth.promptTokens - afterGrowth.reusedPromptTokens, 3 * lineTokens,
                          "the grown suffix was cached in idle time")

        // Once the document is closed, its next prompt is cut afresh: the lines below the old end run.
        backend.forget("file:///tmp/primes.py")
        let reopened = try await backend.complete(request(blankLine: 72), isCancelled: { false })
        XCTAssertGreaterThan(reopened.promptTokens - reopened.reusedPromptTokens, 5 * lineTokens)
    }

    /// A keystroke that supersedes a request still running a cold prompt (the user types on after
    /// opening a file) answers from a short window; idle time grows it back to the full one, a few
    /// lines at a time, and a request after that runs only the tokens around the cursor.
    func testTypingOverAColdPromptAnswersFromAShortWindowGrownInIdleTime() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let uri = "file:///tmp/primes.py"
        var cold = request(blankLine: 100)
        cold.contextTokens = 2048  // about 1,540 prompt tokens: seconds of prefill
        let started = Guarded<ContinuousClock.Instant?>(nil)
        let superseded: @Sendable () -> Bool = {  // as a keystroke 300 ms into the prompt
            started.withLock { $0 = $0 ?? .now; return ContinuousClock.now - $0! > .milliseconds(300) }
        }
        do {
            _ = try await backend.complete(cold, isCancelled: superseded)
            XCTFail("superseded")
        } catch is CancellationError {}
        let full = try XCTUnwrap(backend.window(for: uri))

        var typed = cold
        typed.prefix += "t"
        let short = try await backend.complete(typed, isCancelled: { false })
        let shortWindow = try XCTUnwrap(backend.window(for: uri))
        XCTAssertGreaterThan(shortWindow.linesBeforePrefix, full.linesBeforePrefix, "the prefix starts lower")
        XCTAssertLessThan(short.promptTokens, 700, "a short window")

        let deadline = Date().addingTimeInterval(120)
        while backend.window(for: uri) != full, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        XCTAssertEqual(backend.window(for: uri), full, "grown back to the full window")
        typed.prefix += "o"
        if short.middle.hasPrefix("o") { typed.prefix += "#" }  // off the shown completion's path
        typed.precompute = false
        let grown = try await backend.complete(typed, isCancelled: { false })
        XCTAssertGreaterThan(grown.promptTokens, 1200, "the full window")
        XCTAssertLessThan(grown.promptTokens - grown.reusedPromptTokens, 64, "grown in idle time")
    }

    /// After the cursor moves up (here past a 16-line step of the prefix cut: a fresh cut would start at
    /// line 64, not 80), the prompt's prefix starts where the last one's did.
    func testCursorMovedUpRunsOnlyTheLinesAroundIt() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        let lineTokens = backend.vocabulary.encode(Self.tableLines[80]).count
        _ = try await backend.complete(request(blankLine: 100), isCancelled: { false })
        let moved = try await backend.complete(request(blankLine: 90), isCancelled: { false })
        // A fresh cut would run the 16 lines above the old start.
        XCTAssertLessThan(moved.promptTokens - moved.reusedPromptTokens, 3 * lineTokens,
                          "ran \(moved.promptTokens - moved.reusedPromptTokens) of \(moved.promptTokens) prompt tokens")
    }
}
