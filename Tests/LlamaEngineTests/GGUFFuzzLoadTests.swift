import Foundation
import GGUF
import InfillTestSupport
import XCTest
@testable import LlamaEngine

/// A model load from a mutated file ends in a thrown error that names the file, or in a model
/// that can open a session and generate; never in a trap, a hang or a huge allocation. The
/// mutations reach past the reader: metadata of the wrong type or value, missing and reshaped
/// tensors, vocabulary arrays of the wrong length. Fixed seeds; `INFILL_FUZZ_ITERATIONS` makes
/// the long runs of `Benchmarks/fuzz/gguf.sh`.
final class GGUFFuzzLoadTests: XCTestCase {
    /// Loads `path`, and when it loads, runs a session for two tokens.
    static func load(_ path: String) throws {
        let model = try LlamaModel(path: path)
        let session = try Session(model: model, options: SessionOptions(threads: 1, batchSize: 8, draftTokens: 0))
        // A context of one position (the metadata may say so) has no room to generate.
        guard session.contextLength >= 2 else { return }
        var prompt = model.tokenizer.encode("ab cd", addBOS: true).prefix(session.contextLength - 1)
        if prompt.isEmpty { prompt = [0] }
        _ = try session.generate(prompt: Array(prompt), maxTokens: 2)
    }

    static func fuzz(_ inputs: Int, name: String, _ make: (Int) -> (bytes: [UInt8], what: String)) -> GGUFFuzz.Tally {
        var tally = GGUFFuzz.Tally()
        let path = GGUFFuzz.writeInput([], name: "\(name)-\(getpid()).gguf")
        for i in 0..<inputs {
            let (bytes, what) = make(i)
            _ = GGUFFuzz.writeInput(bytes, name: "\(name)-\(getpid()).gguf")
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                try load(path)
                tally.accepted += 1
            } catch {
                tally.rejected += 1
                let message = "\(error)"
                XCTAssertTrue(message.contains(path), "input \(i) (\(what)): message does not name the file: \(message)")
                tally.errorKinds[GGUFFuzz.kind(of: error), default: 0] += 1
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if seconds > tally.slowestSeconds { (tally.slowestSeconds, tally.slowestInput) = (seconds, "input \(i): \(what)") }
            tally.inputs += 1
        }
        try? FileManager.default.removeItem(atPath: path)
        return tally
    }

    func testUnmutatedSmallModelsLoadAndGenerate() throws {
        for flavor in GGUFFuzz.Flavor.allCases {
            let path = GGUFFuzz.writeInput(GGUFFuzz.model(flavor), name: "valid-load-\(getpid()).gguf")
            defer { try? FileManager.default.removeItem(atPath: path) }
            XCTAssertNoThrow(try Self.load(path), "\(flavor)")
        }
    }

    func testMutatedBytesLoadOrThrow() {
        let iterations = GGUFFuzz.iterations(ci: 1500)
        let seed = GGUFFuzz.seed(ci: 7)
        for flavor in GGUFFuzz.Flavor.allCases {
            let target = GGUFFuzz.Target(GGUFFuzz.model(flavor))
            let tally = Self.fuzz(iterations, name: "load-bytes-\(flavor)") { i in
                GGUFFuzz.mutate(target, seed: GGUFFuzz.inputSeed(seed, i))
            }
            print("GGUFFuzz load bytes \(flavor) seed \(seed): \(tally)")
            XCTAssertLessThan(tally.slowestSeconds, 5, "slowest: \(tally.slowestInput)")
        }
    }

    func testLyingMetadataAndTensorTablesLoadOrThrow() {
        let iterations = GGUFFuzz.iterations(ci: 1500)
        let seed = GGUFFuzz.seed(ci: 11)
        for flavor in GGUFFuzz.Flavor.allCases {
            let tally = Self.fuzz(iterations, name: "load-fields-\(flavor)") { i in
                GGUFFuzz.mutateModel(flavor, seed: GGUFFuzz.inputSeed(seed, i))
            }
            print("GGUFFuzz load fields \(flavor) seed \(seed): \(tally)")
            XCTAssertGreaterThan(tally.rejected, 0)
            XCTAssertLessThan(tally.slowestSeconds, 5, "slowest: \(tally.slowestInput)")
        }
    }
}

/// Cases the fuzz runs found (each trapped in a load or a session before), one test each.
final class GGUFFuzzLoadRegressionTests: XCTestCase {
    /// The llama fuzz model with `key` set to `value`, loaded; the error it throws.
    private func loadError(_ key: String, _ value: GGUFValue, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let metadata: [(key: String, value: GGUFValue)] = GGUFFuzz.metadata(.llamaSentencePiece).map { ($0.key, $0.key == key ? value : $0.value) }
        XCTAssertTrue(metadata.contains { $0.key == key }, "no key \(key)", file: file, line: line)
        let path = GGUFFuzz.writeInput(GGUFFuzz.serialize(metadata, GGUFFuzz.tensors(.llamaSentencePiece)),
                                       name: "load-regression-\(getpid()).gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try GGUFFuzzLoadTests.load(path)
            return nil
        } catch {
            XCTAssertTrue("\(error)".contains(path), "message does not name the file: \(error)", file: file, line: line)
            return "\(error)"
        }
    }

    private func expectBadMetadata(_ key: String, _ value: GGUFValue, file: StaticString = #filePath, line: UInt = #line) {
        let error = loadError(key, value, file: file, line: line)
        XCTAssertTrue(error?.contains("metadata key '\(key)' is ") == true, "\(error ?? "loaded")", file: file, line: line)
    }

    /// `dim / heads` divided by zero.
    func testHeadCountZero() { expectBadMetadata("llama.attention.head_count", .uint32(0)) }

    /// `heads % kvHeads` divided by zero.
    func testKVHeadCountZero() { expectBadMetadata("llama.attention.head_count_kv", .int32(0)) }

    /// Int.min % -1 overflows.
    func testHeadCountsAtTheirMinimum() {
        expectBadMetadata("llama.attention.head_count", .int64(Int64.min))
        expectBadMetadata("llama.attention.head_count_kv", .int32(-1))
    }

    /// A negative count made the RoPE loop's range invalid (lower bound above upper bound).
    func testNegativeRopeDimensionCount() { expectBadMetadata("llama.rope.dimension_count", .int32(-4)) }

    /// A negative context length sized the KV cache below zero.
    func testNegativeContextLength() { expectBadMetadata("llama.context_length", .int32(-1)) }

    /// A value that does not fit Int was read as missing and the default used silently.
    func testHeadCountKVTooLargeIsNotReplacedByTheDefault() {
        expectBadMetadata("llama.attention.head_count_kv", .uint64(UInt64.max))
    }

    func testNonFiniteRopeBaseAndEpsilon() {
        expectBadMetadata("llama.rope.freq_base", .float32(.nan))
        expectBadMetadata("llama.attention.layer_norm_rms_epsilon", .float32(-.infinity))
    }

    func testBlockCountOfTheWrongType() { expectBadMetadata("llama.block_count", .string("1")) }

    /// Token ids index the embedding rows: a vocabulary of another size read or wrote past them.
    func testVocabularyShorterThanTheEmbedding() {
        let tokens = GGUFFuzz.metadata(.llamaSentencePiece).first { $0.key == "tokenizer.ggml.tokens" }!.value.array!
        let short = Array(tokens.dropLast())
        let error = loadError("tokenizer.ggml.tokens", .array(short))
        XCTAssertTrue(error?.contains("the vocabulary has 15 tokens but token_embd.weight has 16 rows") == true, "\(error ?? "loaded")")
    }
}
