import CompletionBackend
import LSPProtocol

/// The one definition of every user setting: its JSON key, its command-line flag, its type and
/// range, its default and its documentation line. `ServerConfiguration.apply` validates JSON
/// through it, `infill lsp` validates and documents its flags through it, and the table in
/// docs/configuration.md is `Settings.markdownTable` (a test keeps them equal).
///
/// Ranges are what keeps client numbers harmless: each bound is chosen so that the arithmetic
/// done on the value later (budgets × 3/4, deadlines in nanoseconds, counts × bytes) cannot overflow.
public struct Setting: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>, WritableKeyPath<ServerConfiguration, Int> & Sendable)
        /// An integer, or `"auto"` (nil).
        case integerOrAuto(ClosedRange<Int>, WritableKeyPath<ServerConfiguration, Int?> & Sendable)
        case boolean(WritableKeyPath<ServerConfiguration, Bool> & Sendable)
        case text(WritableKeyPath<ServerConfiguration, String> & Sendable)
        /// One of a few words.
        case choice([String], WritableKeyPath<ServerConfiguration, String> & Sendable)
        case multiline
    }

    /// The JSON key in `initializationOptions` / `didChangeConfiguration`.
    public let key: String
    public let kind: Kind
    /// The default as the docs show it.
    public let defaultText: String
    /// One line for `--help`.
    public let help: String
    /// More for the docs table, after `help`.
    public let details: String

    /// `--max-new-tokens` for `maxNewTokens`.
    public var flag: String {
        "--" + key.reduce(into: "") { out, c in
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
    }

    /// What a valid value looks like, for messages and docs.
    public var valueDescription: String {
        switch kind {
        case .integer(let r, _): return "an integer from \(r.lowerBound) to \(r.upperBound)"
        case .integerOrAuto(let r, _): return "\"auto\" or an integer from \(r.lowerBound) to \(r.upperBound)"
        case .boolean: return "true or false"
        case .text: return "a non-empty string"
        case .choice(let words, _): return words.map { "`\($0)`" }.joined(separator: " or ")
        case .multiline: return "\"auto\", \"always\" or \"never\""
        }
    }

    /// Sets this setting in `configuration` from `value`; a message saying what is wrong otherwise
    /// (the configuration is then unchanged).
    public func apply(_ value: JSONValue, to configuration: inout ServerConfiguration) -> String? {
        let rejected = "setting \(key) must be \(valueDescription); ignored"
        switch kind {
        case .integer(let range, let path):
            guard let n = value.intValue, range.contains(n) else { return rejected }
            configuration[keyPath: path] = n
        case .integerOrAuto(let range, let path):
            if value == .null || value.stringValue == "auto" {
                configuration[keyPath: path] = nil
            } else {
                guard let n = value.intValue ?? value.stringValue.flatMap({ Int($0) }), range.contains(n) else { return rejected }
                configuration[keyPath: path] = n
            }
        case .boolean(let path):
            guard let b = value.boolValue ?? value.stringValue.flatMap({ Bool($0) }) else { return rejected }
            configuration[keyPath: path] = b
        case .text(let path):
            guard let s = value.stringValue, !s.isEmpty else { return rejected }
            configuration[keyPath: path] = s
        case .choice(let words, let path):
            guard let s = value.stringValue, words.contains(s) else { return rejected }
            configuration[keyPath: path] = s
        case .multiline:
            if let s = value.stringValue, let policy = MultilinePolicy(rawValue: s) {
                configuration.multiline = policy
            } else if let b = value.boolValue {
                configuration.multiline = b ? .always : .never
            } else {
                return rejected
            }
        }
        return nil
    }
}

public enum Settings {
    public static let all: [Setting] = [
        Setting(key: "model", kind: .text(\.model), defaultText: "`\(ServerConfiguration.defaultModel)`",
                help: "A pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m) or a GGUF path.",
                details: "Names resolve to `$INFILL_CACHE/models/NAME.gguf` (`INFILL_CACHE` defaults to `~/.cache/infill`; `scripts/fetch-models` downloads the pinned ones); anything containing `/` or ending in `.gguf` is a path (`~/` is expanded)."),
        Setting(key: "backend", kind: .choice(ServerConfiguration.backends, \.backend), defaultText: "`local`",
                help: "What runs the model: local (the in-process engine on `model`) or llama-server (llama.cpp's server at `url`).",
                details: "With `llama-server`, prompts are built, tokenized and trimmed here and generated there, token by token (see docs/remote.md); `model`, `threads` and `draftTokens` then do not apply."),
        Setting(key: "url", kind: .text(\.url), defaultText: "`http://127.0.0.1:8080`",
                help: "Where llama-server listens (backend llama-server): an http:// URL.", details: ""),
        Setting(key: "tokenizerModel", kind: .text(\.tokenizerModel), defaultText: "`\(ServerConfiguration.defaultModel)`",
                help: "A GGUF (pinned name or path) with the vocabulary of the model llama-server runs (backend llama-server).",
                details: "Only its vocabulary is read. At connect the server's tokenization is compared with it, and the server is refused if they differ."),
        Setting(key: "threads", kind: .integer(1...512, \.threads), defaultText: "all cores",
                help: "Engine threads.", details: ""),
        Setting(key: "maxNewTokens", kind: .integer(1...4096, \.maxNewTokens), defaultText: "`64`",
                help: "Tokens generated at most for an inline or menu completion.", details: ""),
        Setting(key: "docstringMaxNewTokens", kind: .integer(1...4096, \.docstringMaxNewTokens), defaultText: "`160`",
                help: "Tokens generated at most for a docstring.", details: ""),
        Setting(key: "timeLimitMs", kind: .integer(1...600_000, \.timeLimitMs), defaultText: "`1500`",
                help: "Time limit per completion request in milliseconds; generation then ends at a line boundary.",
                details: "Past it generation ends at the next line boundary that follows some code (a blank line does not count, so a prompt that took the whole limit still gets a line; nor does a line that opens a block or goes on, such as `if n < 0:` or `foo(`, so the answer is never a header without its body) and what was generated so far is returned. Docstrings get at least 10 s."),
        Setting(key: "firstAnswerMs", kind: .integerOrAuto(0...60_000, \.firstAnswerMs), defaultText: "`auto`",
                help: "Automatic inline completions answer after this many milliseconds with the words written so far; the rest follows as the user types (0: off; auto: as long as \(ServerConfiguration.autoFirstAnswerTokens) tokens take).",
                details: "Ghost text the editor asks for while the user types (automatic `textDocument/inlineCompletion`) shows the whole words written by then (a last word that may still grow is held back: `self.plac` → `self.`), and the rest of the line is written in the background as the precompute for after accepting them: typing or accepting the words shown then shows the rest at once, and a request for exactly that document waits for it rather than starting over. `auto` is as long as generating \(ServerConfiguration.autoFirstAnswerTokens) tokens takes with this model on this machine (measured; about 270 ms for the 0.5B and 470 ms for the 1.5B on 2 Zen 3 cores), so most lines come whole. A completion the user asks for (trigger kind invoked), menu items and docstrings are always finished first. If you pause on a partial line, press accept twice or type on."),
        Setting(key: "multiline", kind: .multiline, defaultText: "`auto`",
                help: "Multi-line completions: auto, always or never.",
                details: "`auto`: single line when code sits right of the cursor; between existing lines of a block, several lines only when the model ends them itself or reaches the code below (else the first line); at an open end (empty block, end of a block or file) multi-line. `true`/`false` are read as `always`/`never`."),
        Setting(key: "contextTokens", kind: .integer(64...16_384, \.contextTokens), defaultText: "`2048`",
                help: "Prompt token budget (prefix, suffix and other open files).", details: ""),
        Setting(key: "extraContext", kind: .boolean(\.extraContext), defaultText: "`true`",
                help: "Offer other open documents (most recently edited first) to the prompt as extra context.", details: ""),
        Setting(key: "precompute", kind: .boolean(\.precompute), defaultText: "`true`",
                help: "While idle after a completion, compute the one that follows accepting it.",
                details: "It is stopped between tokens by any request that needs the model. Off saves CPU on battery."),
        Setting(key: "draftTokens", kind: .integer(SessionGenerator.draftTokenRange, \.draftTokens),
                defaultText: "`\(SessionGenerator.defaultDraftTokens)`",
                help: "Tokens guessed per decode step from the text so far and checked in one pass (0: off; same output).",
                details: "Speculative decoding by prompt lookup: a guess is kept only where it is the model's own greedy choice, so completions are the same with or without it. How many are checked is chosen per step from the machine's measured step costs (see docs/architecture.md). Changing it reloads the model."),
        Setting(key: "maxMessageBytes", kind: .integer(1024...(1 << 30), \.maxMessageBytes), defaultText: "`67108864` (64 MiB)",
                help: "Largest accepted message in bytes; larger ones are skipped with an error.",
                details: "Frames with a larger `Content-Length` are skipped as they arrive instead of being buffered. A flag only: it applies to the connection, which exists before any settings arrive."),
    ]

    public static func named(_ key: String) -> Setting? { all.first { $0.key == key } }

    /// The table in docs/configuration.md.
    public static var markdownTable: String {
        var lines = ["| Setting (JSON) | Flag | Default | Values | Meaning |", "| --- | --- | --- | --- | --- |"]
        for s in all {
            let meaning = s.details.isEmpty ? s.help : s.help + " " + s.details
            lines.append("| `\(s.key)` | `\(s.flag)` | \(s.defaultText) | \(s.valueDescription) | \(meaning) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
