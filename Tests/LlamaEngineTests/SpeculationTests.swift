import XCTest
@testable import LlamaEngine

/// The parts of speculative decoding that decide what to guess: `PromptLookup` and `DraftPolicy`.
final class SpeculationTests: XCTestCase {
    func testLookupGuessesWhatFollowedTheLatestEarlierMatch() {
        let lookup = PromptLookup()
        //             0  1  2  3  4  5  6  7  8  9 10 11 12
        let history: [Int32] = [5, 1, 2, 3, 9, 9, 1, 2, 3, 7, 8, 1, 2, 3]
        let guess = lookup.guess(history, limit: 4, stop: [])
        XCTAssertEqual(guess.map { Array($0.tokens) }, [7, 8, 1, 2], "after the later [1 2 3], not the first")
        XCTAssertEqual(guess?.matchLength, 3)
        XCTAssertEqual(lookup.guess(history, limit: 4, stop: [8]).map { Array($0.tokens) }, [7], "cut before a stop token")
        XCTAssertEqual(lookup.guess(history, limit: 4, stop: [7]).map { Array($0.tokens) }, [9, 9, 1, 2],
                       "an occurrence whose guess would start with a stop token is skipped")
        XCTAssertNil(lookup.guess([1, 2, 3, 4], limit: 4, stop: []), "nothing repeats")
        XCTAssertNil(lookup.guess(history, limit: 0, stop: []))
        // The match is measured back past the looked-up tokens.
        let long: [Int32] = [4, 5, 6, 1, 2, 3, 0, 4, 5, 6, 1, 2, 3]
        XCTAssertEqual(lookup.guess(long, limit: 2, stop: [])?.matchLength, 6)
    }

    func testPolicyChecksGuessesOnlyWhereTheyPayOnThisMachine() {
        var policy = DraftPolicy(maxDraft: 8)
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 0, "a plain step is measured first")
        // Memory-bound steps (the 1.5B on 2 AVX2 cores): a second token costs 18%, so even a weak match
        // (its first guess holds half the time) is worth one guess.
        for (n, cost) in [1.0, 1.18, 1.62, 1.85, 2.76, 3.06, 3.3, 3.4, 3.64].enumerated() {
            policy.record(tokens: n + 1, seconds: cost)
        }
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 2), 1)
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 12), 3, "a tile of 4 tokens; a fifth costs a lot")
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 8, "a long match: guesses nearly always hold")
        XCTAssertEqual(policy.draftLength(available: 1, matchLength: 30), 1, "no more than the lookup found")
        // Compute-bound steps (the 0.5B): a second token costs a whole step; only sure guesses pay.
        var computeBound = DraftPolicy(maxDraft: 8)
        for (n, cost) in [1.0, 2.0, 2.5, 2.96, 4.0, 4.6, 5.2, 5.6, 6.7].enumerated() {
            computeBound.record(tokens: n + 1, seconds: cost)
        }
        XCTAssertEqual(computeBound.draftLength(available: 8, matchLength: 2), 0)
        XCTAssertEqual(computeBound.draftLength(available: 8, matchLength: 30), 3)
        // Fixed costs stay fixed.
        var fixed = DraftPolicy(fixedStepSeconds: [1, 1, 1])
        fixed.record(tokens: 3, seconds: 100)
        XCTAssertEqual(fixed.draftLength(available: 8, matchLength: 2), 2)
    }

    /// Sizes not measured yet are extrapolated from the measured ones: once a second token is known to
    /// cost a whole step, a step of five is not tried at an optimistic guess (each such try is a slow
    /// keystroke on the 0.5B).
    func testUnmeasuredStepsCostWhatTheMeasuredOnesSay() {
        var policy = DraftPolicy(maxDraft: 8)
        policy.record(tokens: 1, seconds: 1)
        XCTAssertGreaterThan(policy.draftLength(available: 8, matchLength: 5), 0, "before a multi-token step is measured: try one")
        policy.record(tokens: 2, seconds: 2)
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 5), 0, "3 tokens ~ 3 steps, 9 ~ 9")
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 0, "even sure guesses do not pay")
    }

    /// The chances that guesses hold follow what this session's guesses did.
    func testHoldChancesLearnFromOutcomes() {
        var policy = DraftPolicy(fixedStepSeconds: [1.0, 1.18, 1.62, 1.85, 2.76, 3.06, 3.3, 3.4, 3.64])
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 8)
        for _ in 0..<10 { policy.record(matchLength: 30, drafted: 8, held: 0) }
        XCTAssertLessThan(policy.holdChances(matchLength: 30)[0], 0.5)
        XCTAssertEqual((1..<8).contains(policy.draftLength(available: 8, matchLength: 30)), true,
                       "fewer guesses; a second token costs little, so some still pay")
        for _ in 0..<90 { policy.record(matchLength: 30, drafted: 8, held: 0) }
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 0, "guesses after long matches keep failing here")
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 2), 1, "other match lengths keep their own record")
        for _ in 0..<60 { policy.record(matchLength: 30, drafted: 8, held: 8) }
        XCTAssertEqual(policy.draftLength(available: 8, matchLength: 30), 8, "and it recovers when they hold again")
        let chances = policy.holdChances(matchLength: 5)
        XCTAssertEqual(chances, chances.sorted(by: >), "never more likely to hold deeper")
    }
}
