import Foundation

/// How the next token is chosen from the logits. Greedy (argmax) unless `temperature > 0`; then
/// top-k, then top-p (nucleus) filtering, then a draw from a seeded generator, so a given seed
/// reproduces the same text.
public struct Sampler: Sendable, Equatable {
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probabilities sum to at least `topP`.
    public var topP: Float
    public var seed: UInt64

    public static let greedy = Sampler(temperature: 0)

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    public var isGreedy: Bool { temperature <= 0 || topK == 1 }

    /// Index of the largest logit (the lowest index on ties, as llama.cpp).
    public static func argmax(_ logits: UnsafePointer<Float>, count: Int) -> Int32 {
        var best = 0
        var bestValue = logits[0]
        for i in 1..<count where logits[i] > bestValue {
            best = i
            bestValue = logits[i]
        }
        return Int32(best)
    }
}

/// The mutable side of sampling: the random generator and a candidate buffer allocated once.
final class SamplerState {
    private var rng: UInt64
    private let candidates: UnsafeMutablePointer<(id: Int32, value: Float)>
    private let capacity: Int

    init(vocabSize: Int, seed: UInt64) {
        capacity = vocabSize
        candidates = .allocate(capacity: vocabSize)
        rng = seed
    }

    deinit { candidates.deallocate() }

    func reseed(_ seed: UInt64) { rng = seed }

    /// SplitMix64: small, fast, and good enough to draw tokens.
    private func nextUniform() -> Float {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24)
    }

    private static func ranksBefore(_ a: (id: Int32, value: Float), _ b: (id: Int32, value: Float)) -> Bool {
        if a.value != b.value { return a.value > b.value }
        return a.id < b.id
    }

    func sample(_ logits: UnsafePointer<Float>, count: Int, with sampler: Sampler) -> Int32 {
        if sampler.isGreedy { return Sampler.argmax(logits, count: count) }
        let maxLogit = logits[Int(Sampler.argmax(logits, count: count))]
        // Tokens more than 20 temperature units below the best have probability < 2e-9 of the best's:
        // dropping them first keeps the sort small without changing any draw that matters.
        let cutoff = maxLogit - 20 * sampler.temperature
        var n = 0
        for i in 0..<min(count, capacity) where logits[i] >= cutoff {
            candidates[n] = (Int32(i), (logits[i] - maxLogit) / sampler.temperature)
            n += 1
        }
        var buffer = UnsafeMutableBufferPointer(start: candidates, count: n)
        buffer.sort(by: SamplerState.ranksBefore)
        if sampler.topK > 0 { n = min(n, sampler.topK) }
        var sum: Float = 0
        for i in 0..<n {
            candidates[i].value = expf(candidates[i].value)
            sum += candidates[i].value
        }
        if sampler.topP < 1 {
            var kept: Float = 0
            for i in 0..<n {
                kept += candidates[i].value
                if kept >= sampler.topP * sum { n = i + 1; sum = kept; break }
            }
        }
        let target = nextUniform() * sum
        var acc: Float = 0
        for i in 0..<n {
            acc += candidates[i].value
            if acc > target { return candidates[i].id }
        }
        return candidates[n - 1].id
    }
}
