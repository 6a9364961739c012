import Completion

/// What one `Generator.generate` call wrote: its tokens' text and why it ended.
public struct RecordedGeneration: Sendable, Equatable {
    public var pieces: [String]
    public var ending: Generation.Ending

    public init(pieces: [String], ending: Generation.Ending) {
        self.pieces = pieces
        self.ending = ending
    }
}

/// A generator that writes down what another one generated, call by call (`infill fim-batch`
/// records a benchmark's generations once, then re-scores trimming changes on them).
public final class RecordingGenerator: Generator {
    public let recorded: any Generator
    public private(set) var generations: [RecordedGeneration] = []
    /// The same generations' counts (statistics).
    public private(set) var counts: [Generation] = []

    public init(_ recorded: any Generator) { self.recorded = recorded }

    public var vocabulary: any TokenVocabulary { recorded.vocabulary }
    public var fimTokens: FIMTokens { recorded.fimTokens }
    public var unbrokenChunk: Int { recorded.unbrokenChunk }
    public var interruptibleChunk: Int { recorded.interruptibleChunk }
    public func reuse(_ prompt: [Int32]) -> Int { recorded.reuse(prompt) }
    public func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int { try recorded.run(prompt, interrupt: interrupt) }
    public func tokensRunBetweenMoves(for prompt: [Int32]) -> Int { recorded.tokensRunBetweenMoves(for: prompt) }

    public func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                         interrupt: (() -> Bool)?) throws -> Generation {
        var pieces: [String] = []
        let generation = try recorded.generate(request, onToken: { token, text in
            pieces.append(text)
            return onToken(token, text)
        }, interrupt: interrupt)
        generations.append(RecordedGeneration(pieces: pieces, ending: generation.ending))
        counts.append(generation)
        return generation
    }

    /// Forgets the generations written down so far.
    public func clear() {
        generations = []
        counts = []
    }
}

/// A generator that writes again what was recorded, one recorded generation per call, whatever the
/// prompt; the pipeline's stop decisions apply to it as they did to the model. A call past the
/// recorded ones writes nothing (a second try that was never recorded finds nothing better).
public final class ReplayGenerator: Generator {
    public let vocabulary: any TokenVocabulary
    public let fimTokens: FIMTokens
    private var script: ArraySlice<RecordedGeneration>

    public init(vocabulary: any TokenVocabulary, fimTokens: FIMTokens, generations: [RecordedGeneration]) {
        self.vocabulary = vocabulary
        self.fimTokens = fimTokens
        script = generations[...]
    }

    public func reuse(_ prompt: [Int32]) -> Int { 0 }
    public func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int { 0 }

    /// Token ids are the pieces' positions: the pipeline only compares them with each other.
    public func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                         interrupt: (() -> Bool)?) throws -> Generation {
        let recorded = script.popFirst() ?? RecordedGeneration(pieces: [], ending: .stopToken(-1))
        var generation = Generation(tokens: [], ending: recorded.ending)
        generation.promptTokens = request.prompt.count
        for (index, piece) in recorded.pieces.prefix(request.maxTokens).enumerated() {
            generation.tokens.append(Int32(index))
            if onToken(Int32(index), piece) == .stop {
                generation.ending = .stopped
                break
            }
        }
        return generation
    }
}
