import ArgumentParser
import GGUF
import LlamaEngine

struct ModelInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-info",
        abstract: "Print a GGUF model's architecture, tokenizer, FIM tokens and tensor types."
    )

    @Argument(help: "A GGUF path or a pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m).")
    var model: String

    func run() throws {
        let path: String
        do { path = try ModelLocator.resolve(model) } catch { throw ValidationError("\(error)") }
        do {
            let file = try GGUFFile(path: path)
            print(ModelSummary(file).report)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
