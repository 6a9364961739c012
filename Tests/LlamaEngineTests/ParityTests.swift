import Foundation
import InfillTestSupport
import XCTest
@testable import LlamaEngine

/// Parity with llama.cpp (issue 3's acceptance), against fixtures written by tools/llama-reference.py
/// (llama.cpp with its plain x86 kernels: no Q4_K repacking, no tiled K-quant mat-mul; see the script).
///
/// The engine does llama.cpp's arithmetic step for step (the same activation rounding, the same eight
/// i32/f32 lanes and fused multiply-adds in every quantized dot, its exp in softmax and SiLU, its
/// reduction trees in attention, RoPE with the fused multiply-adds GCC makes of it), so for the real
/// models its logits equal llama.cpp's bit for bit. Measured, 2,048 positions per model: top-1 agrees at
/// every position, the largest logit difference is the fixtures' own 4-decimal rounding (5e-5), and all
/// 12 greedy continuations are identical. The bounds below are that with headroom for the rounding only,
/// so any change that leaves llama.cpp's order shows up here.
///
/// The synthetic Code Llama keeps looser bounds: its F16 tensors are multiplied by llama.cpp with the
/// activations rounded to f16, by the engine with f32 activations.
///
/// - Top-1: the same argmax as llama.cpp at >= `topOne` of all positions, and at >= 99% of the positions
///   where llama.cpp's own top two logits are at least `nearTie` apart.
/// - Logits: at llama.cpp's top-5 tokens of every position, our logits are within `maxLogitError`
///   (largest) and `meanLogitError` (mean absolute) of llama.cpp's.
/// - Greedy continuations (fill-in-the-middle prompts for models with FIM tokens) identical to
///   llama.cpp's for 32 tokens or up to the end-of-generation token, at least `minIdentical` of 12; where
///   llama.cpp's own top-1 margin at the step where they part is below `nearTie`, the difference is
///   reported as a near tie instead of failing on its own.
final class ParityTests: XCTestCase {
    struct Bounds {
        var topOne: Double
        var maxLogitError: Float
        var meanLogitError: Float
        var nearTie: Float
        var minIdentical = 12
    }

    /// Logits of these models span about ±40; the fixtures round them to 4 decimals.
    static let bounds: [String: Bounds] = [
        "qwen2.5-coder-1.5b": Bounds(topOne: 0.999, maxLogitError: 1e-3, meanLogitError: 1e-4, nearTie: 0.3),
        "qwen2.5-coder-0.5b": Bounds(topOne: 0.999, maxLogitError: 1e-3, meanLogitError: 1e-4, nearTie: 0.3),
        "smollm2-135m": Bounds(topOne: 0.999, maxLogitError: 1e-3, meanLogitError: 1e-4, nearTie: 0.3),
        "synthetic-codellama": Bounds(topOne: 0.99, maxLogitError: 2.0, meanLogitError: 0.4, nearTie: 0.6, minIdentical: 10),
    ]

    struct Fixture: Decodable {
        struct Sequence: Decodable {
            var source: String
            var tokens: [Int32]
            var top_ids: [[Int32]]
            var top_logits: [[Float]]
        }
        struct Continuation: Decodable {
            var `case`: String
            var prompt: [Int32]
            var tokens: [Int32]
            var margins: [Float]?
        }
        var model: String
        var vocab_size: Int
        var stop: [Int32]
        var sequences: [Sequence]
        var continuations: [Continuation]
    }

    static var fixtures: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures" }

    private func check(_ name: String, modelPath: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/reference-\(name).json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        let bounds = try XCTUnwrap(Self.bounds[name])
        let model = try LlamaModel(path: modelPath)
        XCTAssertEqual(model.config.vocabSize, fixture.vocab_size)
        let env = ProcessInfo.processInfo.environment
        let useBLAS = env["INFILL_PARITY_BLAS"] == "1"
        // The int8 kernels (not OpenBLAS's f32 GEMM) for prompts too: llama.cpp quantizes activations
        // everywhere, and so matching its rounding is closest.
        let session = try Session(model: model, options: SessionOptions(contextLength: 2048, logitRows: 64, prefill: useBLAS ? .openBLAS : .engine))
        let limit = Int(env["INFILL_PARITY_SEQUENCES"] ?? "") ?? fixture.sequences.count
        let climit = Int(env["INFILL_PARITY_CONTINUATIONS"] ?? "") ?? fixture.continuations.count

        var positions = 0, agree = 0, clear = 0, clearAgree = 0
        var worst: Float = 0, total: Float = 0, compared = 0
        var worstAt = ""
        for sequence in fixture.sequences.prefix(limit) {
            try session.evaluateAll(sequence.tokens) { p, logits in
                positions += 1
                let ours = Sampler.argmax(logits.baseAddress!, count: logits.count)
                if ours == sequence.top_ids[p][0] { agree += 1 }
                // Positions where llama.cpp's own top two are not within the near-tie margin.
                if sequence.top_logits[p][0] - sequence.top_logits[p][1] >= bounds.nearTie {
                    clear += 1
                    if ours == sequence.top_ids[p][0] { clearAgree += 1 }
                }
                for (id, reference) in zip(sequence.top_ids[p], sequence.top_logits[p]) {
                    let error = abs(logits[Int(id)] - reference)
                    total += error
                    compared += 1
                    if error > worst { worst = error; worstAt = "\(sequence.source), position \(p), token \(id)" }
                }
            }
        }
        let agreement = Double(agree) / Double(max(1, positions))
        let mean = total / Float(max(1, compared))
        print("parity \(name): top-1 agreement \(agree)/\(positions) = \(String(format: "%.4f", agreement)), "
              + "logit error max \(worst) (\(worstAt)), mean \(mean)")
        let clearAgreement = Double(clearAgree) / Double(max(1, clear))
        print("parity \(name): top-1 agreement where llama.cpp's margin >= \(bounds.nearTie): "
              + "\(clearAgree)/\(clear) = \(String(format: "%.4f", clearAgreement))")
        if limit >= fixture.sequences.count {
            XCTAssertGreaterThanOrEqual(positions, 2000, "\(name): the fixture has only \(positions) positions; regenerate it with tools/llama-reference.py")
        }
        XCTAssertGreaterThanOrEqual(clearAgreement, 0.99, "\(name): top-1 agrees at only \(clearAgree) of \(clear) clear positions")
        XCTAssertGreaterThanOrEqual(agreement, bounds.topOne, "\(name): top-1 agrees at only \(agree) of \(positions) positions")
        XCTAssertLessThanOrEqual(worst, bounds.maxLogitError, "\(name): logit error \(worst) at \(worstAt)")
        XCTAssertLessThanOrEqual(mean, bounds.meanLogitError, "\(name): mean logit error \(mean)")

        let stop = Set(fixture.stop)
        var identical = 0, ties = 0, run = 0
        for c in fixture.continuations.prefix(climit) {
            run += 1
            let result = try session.generate(prompt: c.prompt, maxTokens: 32, stop: stop)
            var ours = result.tokens
            if case .stopToken(let t) = result.finishReason { ours.append(t) }
            if ours == c.tokens { identical += 1; continue }
            let split = zip(ours, c.tokens).prefix { $0 == $1 }.count
            let margins = c.margins ?? []
            if split < margins.count, margins[split] < bounds.nearTie {
                ties += 1
                print("parity \(name): \(c.case) parts from llama.cpp at step \(split), a near tie "
                      + "(llama.cpp's margin \(margins[split]))")
                continue
            }
            XCTFail("\(name): greedy continuation differs for \(c.case) at step \(split) "
                    + "(llama.cpp margin \(split < margins.count ? margins[split] : -1)): ours \(ours), llama.cpp \(c.tokens)")
        }
        print("parity \(name): \(identical)/\(run) greedy continuations identical, \(ties) part at a near tie")
        XCTAssertGreaterThanOrEqual(identical, min(bounds.minIdentical, run), "\(name): only \(identical) continuations identical")
    }

    /// llama.cpp's greedy text from short prompts (tools/llama-greedy-reference.py), run as `infill
    /// generate` runs: the prompt tokenized by our tokenizer (BOS where the GGUF asks), the session with
    /// its options (default context, no drafting), 16 tokens from position 0 (`testSmolLM2` and its
    /// siblings run llama.cpp's long prompts with drafting).
    /// Prompts this short have near ties (SmolLM2: top-2 margins down to 0.003), so the text is
    /// only llama.cpp's when the arithmetic is, including llama.cpp's f32 KV cache and no flash
    /// attention (with its defaults, f16 K/V, llama.cpp itself writes other text for half of them).
    struct GreedyFixture: Decodable {
        struct Case: Decodable {
            var text: String
            var prompt: [Int32]
            var tokens: [Int32]
            var margins: [Float]
            var stopped: Bool
            var content: String
        }
        var reference: String
        var max_tokens: Int
        var cases: [Case]
    }

    private func checkGreedy(_ name: String, modelPath: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/greedy-\(name).json"))
        let fixture = try JSONDecoder().decode(GreedyFixture.self, from: data)
        let model = try LlamaModel(path: modelPath)
        let tokenizer = model.tokenizer
        let session = try Session(model: model, options: SessionOptions(draftTokens: 0))
        for c in fixture.cases {
            let prompt = tokenizer.encode(c.text, addBOS: tokenizer.addsBOS, parseSpecial: false)
            XCTAssertEqual(prompt, c.prompt, "\(name): llama.cpp tokenizes \(c.text.debugDescription) differently")
            let result = try session.generate(prompt: prompt, maxTokens: fixture.max_tokens,
                                              stop: tokenizer.endOfGenerationTokens)
            let stopped: Bool
            if case .stopToken = result.finishReason { stopped = true } else { stopped = false }
            if result.tokens == c.tokens && stopped == c.stopped { continue }
            let split = zip(result.tokens, c.tokens).prefix { $0 == $1 }.count
            XCTFail("\(name): greedy text for \(c.text.debugDescription) parts "
                    + "from llama.cpp's at step \(split) (llama.cpp's margin there "
                    + "\(split < c.margins.count ? c.margins[split] : -1)): ours "
                    + "\(tokenizer.decode(result.tokens).debugDescription), llama.cpp \(c.content.debugDescription)")
        }
    }

    func testGreedyFromShortPromptsSmolLM2() throws {
        try checkGreedy("smollm2-135m", modelPath: TestModels.path("smollm2-135m"))
    }

    func testGreedyFromShortPromptsQwen05B() throws {
        try checkGreedy("qwen2.5-coder-0.5b", modelPath: TestModels.path("qwen2.5-coder-0.5b"))
    }

    func testGreedyFromShortPromptsQwen15B() throws {
        try checkGreedy("qwen2.5-coder-1.5b", modelPath: TestModels.path("qwen2.5-coder-1.5b"))
    }

    func testGreedyFromShortPromptsSyntheticCodeLlama() throws {
        try checkGreedy("synthetic-codellama", modelPath: "\(Self.fixtures)/synthetic-codellama.gguf")
    }

    func testSmolLM2() throws {
        try check("smollm2-135m", modelPath: TestModels.path("smollm2-135m"))
    }

    func testQwen15B() throws {
        try check("qwen2.5-coder-1.5b", modelPath: TestModels.path("qwen2.5-coder-1.5b"))
    }

    func testQwen05B() throws {
        try check("qwen2.5-coder-0.5b", modelPath: TestModels.path("qwen2.5-coder-0.5b"))
    }

    func testSyntheticCodeLlama() throws {
        try check("synthetic-codellama", modelPath: "\(Self.fixtures)/synthetic-codellama.gguf")
    }
}
