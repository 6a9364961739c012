/// How many guessed tokens a decode step checks: the count that is expected to give the most tokens
/// per second. A step of n tokens costs what this machine measured for n (kept per session: on 2 AVX2
/// cores a step of 2 tokens of the 1.5B costs 1.2 single steps, of the 0.5B twice one, since its
/// small-batch products are compute-bound). The chance that the first j guesses all hold starts from
/// how long the lookup's match is (measured on HumanEval infilling with Qwen2.5-Coder: a 2-token
/// match's first guess holds about half the time, a 17-token match's almost always) and then follows
/// what this session's guesses did: prose in comments repeats less than code, and a guess that keeps
/// failing costs a multi-token step for nothing.
struct DraftPolicy {
    let maxDraft: Int
    /// Seconds per forward pass of 1...maxDraft+1 tokens (index n-1), a moving average; nil until measured.
    private var stepSeconds: [Double?]
    /// Whether `record` updates the costs (tests fix them).
    private let measures: Bool
    /// Per match-length bucket (`bucket(matchLength:)`), the guesses checked and held at each depth.
    private var outcomes = Array(repeating: HoldCounts(), count: DraftPolicy.priorChances.count)

    init(maxDraft: Int) {
        self.maxDraft = maxDraft
        stepSeconds = Array(repeating: nil, count: maxDraft + 1)
        measures = true
    }

    /// A policy with these step costs (1...maxDraft+1 tokens) that measurements do not change.
    init(fixedStepSeconds: [Double]) {
        maxDraft = fixedStepSeconds.count - 1
        stepSeconds = fixedStepSeconds
        measures = false
    }

    /// P(the first j guesses hold), j = 1...8, per match-length bucket, before this session's own.
    private static let priorChances: [[Double]] = [
        [0.47, 0.32, 0.20, 0.14, 0.10, 0.08, 0.07, 0.06],  // ...2
        [0.55, 0.40, 0.25, 0.18, 0.15, 0.12, 0.10, 0.08],  // 3
        [0.70, 0.50, 0.40, 0.30, 0.25, 0.20, 0.15, 0.13],  // 4...8
        [0.85, 0.77, 0.70, 0.65, 0.55, 0.48, 0.42, 0.40],  // 9...16
        [0.97, 0.94, 0.90, 0.85, 0.80, 0.76, 0.73, 0.70],  // 17...
    ]
    /// How many observations the prior counts as: a few failures move it, one does not.
    private static let priorWeight = 8.0
    /// Each new outcome scales the older ones by this, so the estimate follows the text being written.
    private static let forgetting = 0.98

    private static func bucket(matchLength: Int) -> Int {
        switch matchLength {
        case ...2: return 0
        case 3: return 1
        case 4...8: return 2
        case 9...16: return 3
        default: return 4
        }
    }

    /// Guesses checked at each depth j (the step checked at least j) and how often the first j held.
    private struct HoldCounts {
        var checked = [Double](repeating: 0, count: DraftPolicy.priorChances[0].count)
        var held = [Double](repeating: 0, count: DraftPolicy.priorChances[0].count)
    }

    /// P(the first j guesses hold), j = 1...8: the prior blended with this session's outcomes,
    /// never rising with depth.
    func holdChances(matchLength: Int) -> [Double] {
        let b = Self.bucket(matchLength: matchLength)
        let prior = Self.priorChances[b], seen = outcomes[b]
        var chances: [Double] = []
        for j in prior.indices {
            let chance = (prior[j] * Self.priorWeight + seen.held[j]) / (Self.priorWeight + seen.checked[j])
            chances.append(min(chance, chances.last ?? 1))
        }
        return chances
    }

    mutating func record(tokens: Int, seconds: Double) {
        guard measures, tokens >= 1, tokens <= stepSeconds.count else { return }
        stepSeconds[tokens - 1] = stepSeconds[tokens - 1].map { 0.7 * $0 + 0.3 * seconds } ?? seconds
    }

    /// What became of `drafted` guesses for a match of `matchLength` tokens: the first `held` held.
    mutating func record(matchLength: Int, drafted: Int, held: Int) {
        guard drafted > 0 else { return }
        let b = Self.bucket(matchLength: matchLength)
        for j in 0..<min(drafted, outcomes[b].checked.count) {
            outcomes[b].checked[j] = outcomes[b].checked[j] * Self.forgetting + 1
            outcomes[b].held[j] = outcomes[b].held[j] * Self.forgetting + (held > j ? 1 : 0)
        }
    }

    /// A step's cost. An unmeasured size is extrapolated from the largest measured one below it (each
    /// further token costing what the tokens past the first cost there); with only a plain step
    /// measured, it is guessed cheap (a quarter of a step per extra token) so that it gets tried once.
    private func cost(_ tokens: Int) -> Double? {
        if let measured = stepSeconds[tokens - 1] { return measured }
        guard let single = stepSeconds[0] else { return nil }
        if let m = (2..<tokens).last(where: { stepSeconds[$0 - 1] != nil }), let known = stepSeconds[m - 1] {
            return known + Double(tokens - m) * max(0, known - single) / Double(m - 1)
        }
        return single * (1 + 0.25 * Double(tokens - 1))
    }

    /// Guessed tokens to check, out of `available`, for a match of `matchLength` tokens.
    func draftLength(available: Int, matchLength: Int) -> Int {
        guard let single = cost(1) else { return 0 }  // measure a plain step first
        let chances = holdChances(matchLength: matchLength)
        let most = min(available, maxDraft, chances.count)
        guard most >= 1 else { return 0 }
        var best = 0, bestRate = 1 / single, expected = 1.0
        for k in 1...most {
            expected += chances[k - 1]
            guard let c = cost(k + 1) else { break }
            if expected / c > bestRate { (best, bestRate) = (k, expected / c) }
        }
        return best
    }
}
