import ArgumentParser
import LlamaEngine

/// The options every subcommand that runs the model shares.
struct ModelOptions: ParsableArguments {
    @Option(help: "A GGUF path or a pinned model name.")
    var model: String = ModelLocator.defaultName

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    /// The model file `--model` names; a validation error saying what is wrong otherwise.
    func resolvedPath() throws -> String {
        do { return try ModelLocator.resolve(model) } catch { throw ValidationError("\(error)") }
    }
}
