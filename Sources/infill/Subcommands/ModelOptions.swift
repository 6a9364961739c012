import ArgumentParser
import LlamaEngine

/// The options every subcommand that runs the model shares.
struct ModelOptions: ParsableArguments {
    @Option(help: "A GGUF path or a pinned model name.")
    var model: String = ModelLocator.defaultName

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp(ModelOptions.draftTokensHelp))
    var draftTokens: Int = SessionOptions().draftTokens

    func validate() throws {
        try ModelOptions.validateDraftTokens(draftTokens)
    }

    /// The help of `--draft-tokens`, which `lsp` and `generate` take too.
    static let draftTokensHelp = "Tokens guessed per decode step from the text so far and checked in one pass (0: off; same output)."

    static func validateDraftTokens(_ value: Int?) throws {
        let range = SessionOptions.draftTokenRange
        if let value, !range.contains(value) {
            throw ValidationError("--draft-tokens must be from \(range.lowerBound) to \(range.upperBound), not \(value)")
        }
    }

    /// The model file `--model` names; a validation error saying what is wrong otherwise.
    func resolvedPath() throws -> String {
        do { return try ModelLocator.resolve(model) } catch { throw ValidationError("\(error)") }
    }
}
