import Completion
import Foundation
import LlamaEngine

/// The in-process engine as a `Generator`: a LlamaEngine `Session` whose KV cache holds the last
/// prompt and answer, so the next prompt runs only what it does not share with them.
public final class SessionGenerator: Generator {
    public let model: LlamaModel
    private let session: Session
    public let vocabulary: any TokenVocabulary
    public let fimTokens: FIMTokens
    public let unbrokenChunk: Int

    public init(modelPath: String, threads: Int?, draftTokens: Int = SessionGenerator.defaultDraftTokens) throws {
        do {
            model = try LlamaModel(path: modelPath)
            session = try Session(model: model, options: SessionOptions(threads: threads, draftTokens: draftTokens))
        } catch {
            throw EngineBackendError("\(error)")
        }
        let tokenizer = TokenizerVocabulary(model.tokenizer)
        vocabulary = tokenizer
        let classifier = model.weights.output
        unbrokenChunk = Self.unbrokenChunk(layerElements: model.weights.matrixElementsPerToken - classifier.rows * classifier.cols)
        do {
            fimTokens = try FIMTokens.detect(in: tokenizer, model: (modelPath as NSString).lastPathComponent)
        } catch {
            throw EngineBackendError("\(error)")
        }
    }

    /// The model's architecture (`qwen2`, `llama`), for the server's progress messages.
    public var architecture: String { "\(model.config.architecture)" }

    /// Tokens per unbroken chunk: half a second to a second of prompt on 2 AVX2 cores (prefill
    /// multiplies 60-95 billion weights a second here: 128 tokens for the 0.5B, 32 for the 1.5B), a
    /// power of two from 32 to 256. Fixed per model, not measured: batch sizes change the rounding of
    /// the cached keys and values, and completions should not depend on how busy the machine was.
    /// `layerElements`: weight elements of the layers' matrices, per token.
    static func unbrokenChunk(layerElements: Int) -> Int {
        let tokens = 60e9 / Double(max(1, layerElements))
        var chunk = 32
        while chunk < 256, Double(chunk * 2) <= tokens { chunk *= 2 }
        return chunk
    }

    public var contextLength: Int { session.contextLength }

    public func reuse(_ prompt: [Int32]) -> Int { session.reuseCache(for: prompt) }

    public func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int {
        do {
            return try session.evaluate(prompt, interrupt: interrupt)
        } catch EngineError.interrupted {
            throw CancellationError()
        }
    }

    public func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                         interrupt: (() -> Bool)?) throws -> Generation {
        let result: GenerationResult
        do {
            result = try session.generate(
                prompt: request.prompt, maxTokens: request.maxTokens, stop: request.stop,
                excludingFirst: request.excludingFirst, startingWith: request.startingWith,
                onToken: { token, text in onToken(token, text) == .stop ? .stop : .continue }, interrupt: interrupt)
        } catch EngineError.interrupted {
            throw CancellationError()
        }
        var generation = Generation(tokens: result.tokens, ending: Self.ending(result.finishReason))
        let stats = result.stats
        generation.promptTokens = stats.promptTokens
        generation.reusedTokens = stats.reusedTokens
        generation.decodeTokens = stats.decodeTokens
        generation.decodeSeconds = stats.decodeSeconds
        generation.decodeSteps = stats.decodeSteps
        generation.draftedTokens = stats.draftedTokens
        generation.acceptedDraftTokens = stats.acceptedDraftTokens
        return generation
    }

    public func tokensRunBetweenMoves(for prompt: [Int32]) -> Int { session.tokensRunBetweenMoves(for: prompt) }

    public func heldTokens(for prompt: [Int32]) -> Int { session.heldTokens(for: prompt) }

    static func ending(_ reason: FinishReason) -> Generation.Ending {
        switch reason {
        case .stopToken(let token): return .stopToken(token)
        case .maxTokens: return .maxTokens
        case .cancelled: return .stopped
        case .contextFull: return .contextFull
        case .noAllowedToken: return .noAllowedToken
        }
    }

    // What the server's settings need of the engine.
    public static let draftTokenRange = SessionOptions.draftTokenRange
    public static let defaultDraftTokens = SessionOptions().draftTokens
    public static let defaultModelName = ModelLocator.defaultName
    public static func cachedModelPath(_ name: String, environment: [String: String]) -> String {
        ModelLocator.cachedModelPath(name, environment: environment)
    }
}

public struct EngineBackendError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
