import ArgumentParser
import LanguageServer

@main
struct Infill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infill",
        abstract: "Code-completion language server with an in-process CPU Llama engine.",
        version: InfillVersion.description,
        subcommands: [LSP.self, Complete.self, Generate.self, Bench.self, ModelInfo.self, Tokenize.self, TokenizerBench.self, FIMBatch.self]
    )
}
