import ArgumentParser
import CompletionBackend
import Foundation
import JSONRPC
import LanguageServer
import LSPProtocol

/// `infill lsp`: the language server on stdin/stdout. Thin: flags become a `ServerConfiguration`
/// and the server does the rest. Every option comes from `Settings.all`.
struct LSP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server over stdin/stdout (JSON-RPC, LSP).",
        discussion: "Editors start this. Settings in initializationOptions or workspace/didChangeConfiguration override these flags; see docs/configuration.md."
    )

    // One option per entry of `Settings.all`, named, documented and validated by it.
    @Option(help: help("model")) var model: String?
    @Option(help: help("backend")) var backend: String?
    @Option(help: help("url")) var url: String?
    @Option(help: help("tokenizerModel")) var tokenizerModel: String?
    @Option(help: help("threads")) var threads: String?
    @Option(help: help("maxNewTokens")) var maxNewTokens: String?
    @Option(help: help("docstringMaxNewTokens")) var docstringMaxNewTokens: String?
    @Option(help: help("timeLimitMs")) var timeLimitMs: String?
    @Option(help: help("firstAnswerMs")) var firstAnswerMs: String?
    @Option(help: help("multiline")) var multiline: String?
    @Option(help: help("contextTokens")) var contextTokens: String?
    @Option(help: help("extraContext")) var extraContext: String?
    @Option(help: help("precompute")) var precompute: String?
    @Option(help: help("draftTokens")) var draftTokens: String?
    @Option(help: help("maxMessageBytes")) var maxMessageBytes: String?

    @Flag(help: .hidden)
    var scriptedBackend = false

    @Flag(help: ArgumentHelp("Print the settings table of docs/configuration.md and exit.", visibility: .hidden))
    var settingsTable = false

    @Flag(help: "On a crash, print the Swift runtime's backtrace (source paths, registers) to stderr.")
    var debugBacktrace = false

    private var flagValues: [(key: String, text: String?)] {
        [("model", model), ("backend", backend), ("url", url), ("tokenizerModel", tokenizerModel), ("threads", threads), ("maxNewTokens", maxNewTokens),
         ("docstringMaxNewTokens", docstringMaxNewTokens), ("timeLimitMs", timeLimitMs),
         ("firstAnswerMs", firstAnswerMs), ("multiline", multiline), ("contextTokens", contextTokens),
         ("extraContext", extraContext), ("precompute", precompute), ("draftTokens", draftTokens),
         ("maxMessageBytes", maxMessageBytes)]
    }

    private static func help(_ key: String) -> ArgumentHelp {
        ArgumentHelp(Settings.named(key)?.help ?? "")
    }

    func validate() throws { _ = try serverConfiguration() }

    func serverConfiguration() throws -> ServerConfiguration {
        var c = ServerConfiguration()
        for (key, text) in flagValues {
            guard let text, let setting = Settings.named(key) else { continue }
            let value: JSONValue = Int(text).map(JSONValue.int) ?? Bool(text).map(JSONValue.bool) ?? .string(text)
            if setting.apply(value, to: &c) != nil {
                throw ValidationError("\(setting.flag) must be \(setting.valueDescription), not \(text)")
            }
        }
        return c
    }

    func run() async throws {
        if settingsTable {
            print(Settings.markdownTable, terminator: "")
            return
        }
        CrashReports.quiet(unless: debugBacktrace)
        let frames = StdioConnection.takeOverStdout()
        let configuration = try serverConfiguration()
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
