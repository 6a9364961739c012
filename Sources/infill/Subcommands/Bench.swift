import ArgumentParser
import Foundation
import LlamaEngine

/// `infill bench`: prefill and decode speed of the engine on a model.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure prefill speed at 128/512/1024 prompt tokens and decode speed over 64 tokens.",
        discussion: """
            Reports tokens/s, the weight bandwidth decode achieves (weight bytes read per token × tok/s) \
            and the matrix GFLOP/s prefill achieves (2 × weight elements per token, attention excluded).
            """
    )

    @Option(help: "A GGUF path or a pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m).")
    var model: String = ModelLocator.defaultName

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Prompt lengths to time, comma-separated.")
    var prompts: String = "128,512,1024"

    @Option(help: "Tokens to time decoding over.")
    var decode: Int = 64

    @Option(help: "Prompt tokens before the timed decode (completion prompts are about 1,600: there attention over the context costs more per token).")
    var decodeContext: Int = 128

    @Option(help: "KV cache element type: f32 (the engine's default) or f16 (llama.cpp's default).")
    var kvCache: String = "f32"

    @Option(help: "Timed runs per measurement (the best is reported).")
    var repetitions: Int = 2

    @Option(help: "Product for prompt batches: automatic (the faster one per weight type on this CPU), engine (int8 kernels only) or openblas (every matrix).")
    var prefill: String = "automatic"

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let lengths = prompts.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !lengths.isEmpty, lengths.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--prompts must be a comma-separated list of positive lengths")
        }
        let product: PrefillProduct
        switch prefill.lowercased() {
        case "automatic": product = .automatic
        case "engine": product = .engine
        case "openblas": product = .openBLAS
        default: throw ValidationError("--prefill must be automatic, engine or openblas")
        }
        do {
            let llama = try LlamaModel(path: model)
            guard let kvType = KVCacheType(rawValue: kvCache.lowercased()) else {
                throw ValidationError("--kv-cache must be f32 or f16")
            }
            guard decodeContext > 0 else { throw ValidationError("--decode-context must be positive") }
            let longest = max(lengths.max()!, decodeContext + decode + 1)
            // Decode is measured one token per forward pass (no guessed tokens): the kernels' speed,
            // comparable with llama.cpp's plain decode.
            let session = try Session(model: llama, options: SessionOptions(
                contextLength: max(longest, 2048), threads: threads, kvCacheType: kvType, prefill: product, draftTokens: 0))
            let c = llama.config
            // Deterministic ordinary token ids (speed does not depend on which tokens).
            let vocab = Int32(c.vocabSize)
            let tokens = (0..<longest).map { Int32(100 + ($0 * 7919) % Int(max(1, vocab - 200))) }

            let weightElements = Double(llama.weights.matrixElementsPerToken)
            let weightBytes = Double(llama.weights.matrixBytesPerToken)
            var report: [(String, Double)] = []
            if !json {
                print("model: \(llama.path)")
                print("threads: \(session.threadCount), kernels: \(Kernels.activePath), "
                      + "BLAS: \(session.blas.map { "OpenBLAS \($0.coreName) for " + session.blasTypes.map(\.description).sorted().joined(separator: ", ") } ?? "off")")
            }
            try session.evaluate(Array(tokens[0..<min(64, tokens.count)]))  // warm-up: page in the weights
            for n in lengths {
                var best = Double.infinity
                for _ in 0..<max(1, repetitions) {
                    session.reset()
                    let start = DispatchTime.now().uptimeNanoseconds
                    try session.evaluate(Array(tokens[0..<n]))
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                let tps = Double(n) / best
                report.append(("prefill_\(n)_tok_s", tps))
                report.append(("prefill_\(n)_gflop_s", 2 * weightElements * tps / 1e9))
                if !json {
                    print(String(format: "prefill %5d tokens: %8.1f tok/s  %7.1f GFLOP/s  (%.2f s)",
                                 n, tps, 2 * weightElements * tps / 1e9, best))
                }
            }
            var bestDecode = 0.0
            for _ in 0..<max(1, repetitions) {
                session.reset()
                let result = try session.generate(prompt: Array(tokens[0..<decodeContext]), maxTokens: decode + 1)
                bestDecode = max(bestDecode, result.stats.decodeTokensPerSecond)
            }
            report.append(("decode_tok_s", bestDecode))
            report.append(("decode_gb_s", weightBytes * bestDecode / 1e9))
            if json {
                var fields = report.map { "\"\($0.0)\":\(String(format: "%.3f", $0.1))" }
                fields.append("\"threads\":\(session.threadCount)")
                print("{" + fields.joined(separator: ",") + "}")
            } else {
                print(String(format: "decode %d tokens:    %8.1f tok/s  %7.1f GB/s of weights",
                             decode, bestDecode, weightBytes * bestDecode / 1e9))
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
