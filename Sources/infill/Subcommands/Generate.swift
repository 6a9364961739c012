import ArgumentParser
import Foundation
import LlamaEngine

/// `infill generate`: run the engine on a text prompt and stream what it writes.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text from a prompt with the in-process engine, streaming it to stdout.",
        discussion: "Statistics (prompt tokens, prefill and decode speed) go to stderr."
    )

    @Option(help: "A GGUF path or a pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m).")
    var model: String = ModelLocator.defaultName

    @Option(help: "The prompt text.")
    var prompt: String

    @Option(name: .short, help: "Maximum number of tokens to generate.")
    var n: Int = 64

    @Flag(help: "Parse special tokens written in the prompt (e.g. <|fim_prefix|>) instead of treating them as text.")
    var special = false

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Sampling temperature; 0 (default) is greedy.")
    var temperature: Float = 0

    @Option(help: "Top-k filter when sampling (0 = off).")
    var topK: Int = 0

    @Option(help: "Top-p (nucleus) filter when sampling (1 = off).")
    var topP: Float = 1

    @Option(help: "Random seed when sampling.")
    var seed: UInt64 = 0

    @Option(help: "Context length (default: min(model's, 4096)).")
    var context: Int?

    @Option(help: ArgumentHelp(ModelOptions.draftTokensHelp))
    var draftTokens: Int = SessionOptions().draftTokens

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be at least 1") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be >= 0") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        try ModelOptions.validateDraftTokens(draftTokens)
    }

    func run() throws {
        do {
            let llama = try LlamaModel(path: model)
            let session = try Session(model: llama, options: SessionOptions(contextLength: context, threads: threads, draftTokens: draftTokens))
            let tokenizer = llama.tokenizer
            let tokens = tokenizer.encode(prompt, addBOS: tokenizer.addsBOS, parseSpecial: special)
            let sampler = Sampler(temperature: temperature, topK: topK, topP: topP, seed: seed)
            let result = try session.generate(prompt: tokens, maxTokens: n, stop: tokenizer.endOfGenerationTokens,
                                              sampler: sampler) { _, text in
                FileHandle.standardOutput.write(Data(text.utf8))
                return .continue
            }
            print("")
            let s = result.stats
            FileHandle.standardError.write(Data("""
                \(s.promptTokens) prompt tokens: \(String(format: "%.1f", s.prefillTokensPerSecond)) tok/s; \
                \(s.generatedTokens) generated, decode \(String(format: "%.1f", s.decodeTokensPerSecond)) tok/s \
                in \(s.decodeSteps) steps (\(s.acceptedDraftTokens) of \(s.draftedTokens) guesses kept); \
                \(session.threadCount) threads; stopped: \(result.finishReason)

                """.utf8))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
