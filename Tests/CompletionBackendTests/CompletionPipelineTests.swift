import Completion
import XCTest
@testable import CompletionBackend

/// The pipeline on replayed generations: the retry rule and the per-token stop, without a model.
final class CompletionPipelineTests: XCTestCase {
    func input(invoked: Bool) -> CompletionInput {
        CompletionInput(mode: .inline, uri: "file:///tmp/a.py", languageId: "python", version: 1,
                        prefix: "def f(x):\n    ", suffix: "\n    return y\n", deadline: .now + .seconds(60),
                        precompute: false, invoked: invoked)
    }

    /// A model that ends at once: the user who asked gets a second try; ghost text while typing does not.
    func testAnAnswerOfNothingIsTriedAgainOnlyWhenAskedFor() throws {
        let recorded = [RecordedGeneration(pieces: [], ending: .stopToken(151643)),
                        RecordedGeneration(pieces: ["y", " =", " x", " +", " 1"], ending: .stopToken(151643))]
        let asked = try replaying(recorded)
        let answer = try CompletionPipeline(generator: asked).complete(input(invoked: true), cancellation: CancellationToken())
        XCTAssertEqual(asked.generations.count, 2)
        XCTAssertEqual(answer.output.middle, "y = x + 1")

        let typing = try replaying(recorded)
        let none = try CompletionPipeline(generator: typing).complete(input(invoked: false), cancellation: CancellationToken())
        XCTAssertEqual(typing.generations.count, 1)
        XCTAssertEqual(none.output.middle, "")
        XCTAssertNil(none.edit)
    }

    /// The stop decision comes after every token: a single-line completion stops at its line's end.
    func testGenerationStopsAtTheTokenThatEndsIt() throws {
        let generator = try replaying([RecordedGeneration(pieces: ["y = x", "\n", "    z = 2", "\n"], ending: .maxTokens)])
        var single = input(invoked: false)
        single.multiline = .never
        let answer = try CompletionPipeline(generator: generator).complete(single, cancellation: CancellationToken())
        XCTAssertEqual(answer.output.middle, "y = x")
        XCTAssertLessThan(generator.generations[0].pieces.count, 4, "stopped before the recording's end")
        XCTAssertEqual(generator.generations[0].ending, .stopped)
    }

    func testACancelledRequestRunsNothing() throws {
        let generator = try replaying([RecordedGeneration(pieces: ["y"], ending: .maxTokens)])
        let cancelled = CancellationToken()
        cancelled.cancel()
        XCTAssertThrowsError(try CompletionPipeline(generator: generator).complete(input(invoked: true), cancellation: cancelled)) {
            XCTAssertTrue($0 is CancellationError)
        }
        XCTAssertEqual(generator.generations.count, 0)
    }
}
