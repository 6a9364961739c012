import Completion
import Foundation
import XCTest
@testable import CompletionBackend

/// The worker's queue: requests before idle work, and a request's arrival cancels idle work.
final class GeneratorWorkerTests: XCTestCase {
    func testRequestsRunFirstAndCancelIdleWork() async throws {
        let worker = GeneratorWorker(generator: try TestGenerator())
        defer { worker.stop() }
        let order = Guarded<[String]>([])
        let holding = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        let precompute = CancellationToken(), growth = CancellationToken()
        worker.submit(.precompute, precompute) { _ in  // running: holds the worker until released
            started.signal()
            holding.wait()
            order.withLock { $0.append("precompute, cancelled: \(precompute.isCancelled)") }
        }
        started.wait()
        worker.submit(.windowGrowth, growth) { _ in order.withLock { $0.append("growth, cancelled: \(growth.isCancelled)") } }
        worker.submit(.precompute, CancellationToken()) { _ in order.withLock { $0.append("second precompute") } }
        worker.cancelIdleWork()
        XCTAssertTrue(precompute.isCancelled && growth.isCancelled)
        let request = CancellationToken()
        async let answer = worker.run(.request, request) { _ in order.withLock { $0.append("request"); return 42 } }
        try await Task.sleep(nanoseconds: 20_000_000)
        holding.signal()
        let value = try await answer
        XCTAssertEqual(value, 42)
        XCTAssertFalse(request.isCancelled, "a request's cancellation is its own")
        let done = CancellationToken()
        _ = try await worker.run(.windowGrowth, done) { _ in 0 }  // after everything queued before it
        XCTAssertEqual(order.withLock { $0 }, [
            "precompute, cancelled: true", "request", "second precompute", "growth, cancelled: true",
        ])
    }

    func testAJobsErrorReachesTheRequest() async throws {
        let worker = GeneratorWorker(generator: try TestGenerator())
        defer { worker.stop() }
        do {
            _ = try await worker.run(.request, CancellationToken()) { _ -> Int in throw CancellationError() }
            XCTFail("thrown")
        } catch is CancellationError {}
    }
}

/// A vocabulary of one token per character (id = 1000 + scalar) and Qwen's FIM tokens.
struct CharacterVocabulary: TokenVocabulary {
    static let specials: [String: Int32] = [
        "<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645,
        "<|fim_prefix|>": 151659, "<|fim_middle|>": 151660, "<|fim_suffix|>": 151661,
        "<|fim_pad|>": 151662, "<|repo_name|>": 151663, "<|file_sep|>": 151664,
    ]
    func encode(_ text: String) -> [Int32] { text.unicodeScalars.map { 1000 + Int32($0.value) } }
    func decode(_ ids: [Int32]) -> String { ids.compactMap { $0 >= 1000 ? tokenText($0) : nil }.joined() }
    func tokenID(forText text: String) -> Int32? { Self.specials[text] }
    func tokenText(_ id: Int32) -> String? {
        if let name = Self.specials.first(where: { $0.value == id })?.key { return name }
        guard id >= 1000, let scalar = Unicode.Scalar(UInt32(id - 1000)) else { return nil }
        return String(Character(scalar))
    }
    var bos: Int32? { 151643 }
    var eos: Int32? { 151645 }
    func metadataInt(_ key: String) -> Int? { nil }
    func metadataBool(_ key: String) -> Bool? { key == "tokenizer.ggml.add_bos_token" ? false : nil }
}

/// Replays recorded generations behind Qwen's FIM tokens, and counts the calls.
func replaying(_ generations: [RecordedGeneration]) throws -> RecordingGenerator {
    let vocabulary = CharacterVocabulary()
    return RecordingGenerator(ReplayGenerator(
        vocabulary: vocabulary, fimTokens: try FIMTokens.detect(in: vocabulary, model: "qwen2.5-coder-0.5b.gguf"),
        generations: generations))
}

final class TestGenerator: Generator {
    let vocabulary: any TokenVocabulary = CharacterVocabulary()
    let fimTokens: FIMTokens
    init() throws { fimTokens = try FIMTokens.detect(in: vocabulary, model: "qwen2.5-coder-0.5b.gguf") }
    func reuse(_ prompt: [Int32]) -> Int { 0 }
    func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int { 0 }
    func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                  interrupt: (() -> Bool)?) throws -> Generation { Generation(tokens: [], ending: .maxTokens) }
}
