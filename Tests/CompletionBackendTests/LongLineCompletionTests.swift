import InfillTestSupport
import XCTest
@testable import CompletionBackend

/// Long lines and odd text on the pinned 0.5B model: a 2 MB one-line document and five lines of
/// 1,500 emoji complete like any other file, with a prompt within the budget (they failed with
/// "prompt of 1048612 tokens does not fit the context", or ran 3,603 tokens for a budget of 2,048).
final class LongLineCompletionTests: XCTestCase {
    func input(prefix: String, suffix: String, invoked: Bool) -> CompletionInput {
        CompletionInput(mode: .inline, uri: "file:///tmp/long.py", languageId: "python", version: 1,
                        prefix: prefix, suffix: suffix, maxNewTokens: 8, deadline: .now + .seconds(120), invoked: invoked)
    }

    /// The prompt's file part stays within three quarters of `contextTokens`, plus the FIM tokens.
    func assertWithinBudget(_ output: CompletionOutput, _ input: CompletionInput, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(output.promptTokens, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(output.promptTokens, input.contextTokens * 3 / 4 + 8, file: file, line: line)
    }

    func testTwoMegabyteLineCompletes() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        backend.precomputesNext = false
        let line = "x = [" + String(repeating: "1, ", count: 700_000)
        // Typing (automatic) and asked for (invoked): the same prompt, the second from the KV cache.
        for invoked in [false, true] {
            let request = input(prefix: line, suffix: "2]\n", invoked: invoked)
            let output = try await backend.complete(request, isCancelled: { false })
            assertWithinBudget(output, request)
        }
        let middle = input(prefix: String(line.prefix(1_000_000)), suffix: String(line.dropFirst(1_000_000)) + "2]\n", invoked: true)
        assertWithinBudget(try await backend.complete(middle, isCancelled: { false }), middle)
        // A client's budget past the engine's context (4,096 tokens) is held to what fits it.
        var huge = middle
        huge.contextTokens = 1_000_000
        let output = try await backend.complete(huge, isCancelled: { false })
        XCTAssertLessThan(output.promptTokens + huge.maxNewTokens, 4096)
    }

    func testEmojiLinesComplete() async throws {
        let backend = try EngineBackend(modelPath: try TestModels.path("qwen2.5-coder-0.5b"), threads: nil)
        backend.precomputesNext = false
        let emoji = ["😀", "👨‍👩‍👧", "👍🏽", "🇫🇷", "❤️", "🧑‍💻", "🐍"]
        let lines = (0..<5).map { n in (0..<1500).map { emoji[($0 * 7 + n * 3 + $0 / 5) % emoji.count] }.joined() }
        let request = input(prefix: lines.joined(separator: "\n"), suffix: "\n", invoked: true)
        assertWithinBudget(try await backend.complete(request, isCancelled: { false }), request)
    }
}
