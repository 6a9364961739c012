/// How many guessed tokens a decode step checks: the count that is expected to give the most tokens
/// per second. A step of n tokens costs what this machine measured for n (kept per session: on 2 AVX2
/// cores a step of 2 tokens of the 1.5B costs 1.2 single steps, of the 0.5B twice one, since its
/// single steps are already compute-bound); the chance that the first j guesses all hold comes from
/// how long the lookup's match is (measured on HumanEval infilling with Qwen2.5-Coder: a 2-token
/// match's first guess holds about half the time, a 17-token match's almost always).
struct DraftPolicy {
    let maxDraft: Int
    /// Seconds per forward pass of 1...maxDraft+1 tokens (index n-1), a moving average; nil until measured.
    private var stepSeconds: [Double?]
    /// Whether `record` updates the costs (tests fix them).
    private let measures: Bool

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

    /// P(the first j guesses hold), j = 1...8, by the lookup's match length.
    private static func holdChances(matchLength: Int) -> [Double] {
        switch matchLength {
        case ...2: return [0.47, 0.32, 0.20, 0.14, 0.10, 0.08, 0.07, 0.06]
        case 3: return [0.55, 0.40, 0.25, 0.18, 0.15, 0.12, 0.10, 0.08]
        case 4...8: return [0.70, 0.50, 0.40, 0.30, 0.25, 0.20, 0.15, 0.13]
        case 9...16: return [0.85, 0.77, 0.70, 0.65, 0.55, 0.48, 0.42, 0.40]
        default: return [0.97, 0.94, 0.90, 0.85, 0.80, 0.76, 0.73, 0.70]
        }
    }

    mutating func record(tokens: Int, seconds: Double) {
        guard measures, tokens >= 1, tokens <= stepSeconds.count else { return }
        stepSeconds[tokens - 1] = stepSeconds[tokens - 1].map { 0.7 * $0 + 0.3 * seconds } ?? seconds
    }

    /// A step's cost; an unmeasured size is guessed cheap (each extra token a quarter of a single
    /// step) so that it gets tried once and measured.
    private func cost(_ tokens: Int) -> Double? {
        if let measured = stepSeconds[tokens - 1] { return measured }
        return stepSeconds[0].map { $0 * (1 + 0.25 * Double(tokens - 1)) }
    }

    /// Guessed tokens to check, out of `available`, for a match of `matchLength` tokens.
    func draftLength(available: Int, matchLength: Int) -> Int {
        guard let single = cost(1) else { return 0 }  // measure a plain step first
        let chances = Self.holdChances(matchLength: matchLength)
        var best = 0, bestRate = 1 / single, expected = 1.0
        for k in 1...min(available, maxDraft, chances.count) {
            expected += chances[k - 1]
            guard let c = cost(k + 1) else { break }
            if expected / c > bestRate { (best, bestRate) = (k, expected / c) }
        }
        return best
    }
}
