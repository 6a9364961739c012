import ArgumentParser
import Foundation
import JSONRPC
import LanguageServer

/// `infill lsp`: the language server on stdin/stdout. Thin: flags become a `ServerConfiguration`
/// and the server does the rest. Every option is documented in docs/configuration.md.
struct LSP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server over stdin/stdout (JSON-RPC, LSP).",
        discussion: "Editors start this. Settings in initializationOptions or workspace/didChangeConfiguration override these flags; see docs/configuration.md."
    )

    @Option(help: "Pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m) or a GGUF path.")
    var model: String = ServerConfiguration.defaultModel

    @Option(help: "Engine threads (default: all cores).")
    var threads: Int?

    @Option(help: "Tokens generated at most per completion.")
    var maxNewTokens: Int?

    @Option(help: "Time limit per request in milliseconds; generation then ends at a line boundary.")
    var timeLimitMs: Int?

    @Option(help: "Automatic inline completions answer after this many milliseconds with the words written so far; the rest follows as the user types (0: off; auto: as long as \(ServerConfiguration.autoFirstAnswerTokens) tokens take).")
    var firstAnswerMs: String?

    @Option(help: "Multi-line completions: auto, always or never.")
    var multiline: String?

    @Option(help: "Prompt token budget (prefix, suffix and other open files).")
    var contextTokens: Int?

    @Option(help: ArgumentHelp(ModelOptions.draftTokensHelp))
    var draftTokens: Int?

    @Option(help: "Largest accepted message in bytes; larger ones are skipped with an error.")
    var maxMessageBytes: Int?

    @Flag(help: .hidden)
    var scriptedBackend = false

    func validate() throws {
        if let multiline, MultilinePolicy(rawValue: multiline) == nil {
            throw ValidationError("--multiline must be auto, always or never, not \(multiline)")
        }
        for (name, value) in [("--threads", threads), ("--max-new-tokens", maxNewTokens), ("--time-limit-ms", timeLimitMs),
                              ("--context-tokens", contextTokens), ("--max-message-bytes", maxMessageBytes)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, not \(value)") }
        }
        if let firstAnswerMs, firstAnswerMs != "auto", (Int(firstAnswerMs) ?? -1) < 0 {
            throw ValidationError("--first-answer-ms must be auto or a number of milliseconds (0: off), not \(firstAnswerMs)")
        }
        try ModelOptions.validateDraftTokens(draftTokens)
    }

    var serverConfiguration: ServerConfiguration {
        var c = ServerConfiguration()
        c.model = model
        if let threads { c.threads = threads }
        if let maxNewTokens { c.maxNewTokens = maxNewTokens }
        if let timeLimitMs { c.timeLimitMs = timeLimitMs }
        if let firstAnswerMs { c.firstAnswerMs = Int(firstAnswerMs) }  // "auto": nil
        if let multiline, let policy = MultilinePolicy(rawValue: multiline) { c.multiline = policy }
        if let contextTokens { c.contextTokens = contextTokens }
        if let maxMessageBytes { c.maxMessageBytes = maxMessageBytes }
        if let draftTokens { c.draftTokens = draftTokens }
        return c
    }

    func run() async throws {
        let frames = StdioConnection.takeOverStdout()
        let configuration = serverConfiguration
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("infill: \($0)\n".utf8)) }
        let connection = StdioConnection(inputFD: STDIN_FILENO, outputFD: frames,
                                         maxMessageBytes: configuration.maxMessageBytes, log: log)
        let backend = ScriptedBackend()
        let scripted: BackendLoader = { @Sendable _, _ in backend }
        let loader = scriptedBackend ? scripted : EngineBackend.loader
        let server = LanguageServer(client: connection, configuration: configuration, loader: loader) { code in
            Foundation.exit(code)
        }
        connection.start(handler: { server.receive($0) }, onClose: {
            // The client went away without `exit`: leave as `exit` would (1 unless shut down).
            server.receive(.notification(method: "exit", params: .null))
        })
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
