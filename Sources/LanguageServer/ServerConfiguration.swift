import Foundation
import LlamaEngine
import LSPProtocol

/// Every user-facing option (docs/configuration.md lists them). Sources, later wins: defaults,
/// command-line flags, `initializationOptions`, `workspace/didChangeConfiguration`.
public struct ServerConfiguration: Sendable, Equatable {
    /// A pinned model name (resolved to `$INFILL_CACHE/models/NAME.gguf`) or a path to a GGUF file.
    public var model: String = ServerConfiguration.defaultModel
    /// Engine threads.
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Tokens generated at most for an inline or menu completion.
    public var maxNewTokens: Int = 64
    /// Tokens generated at most for a docstring.
    public var docstringMaxNewTokens: Int = 160
    /// Time limit per request in milliseconds; generation then ends at the next line boundary.
    public var timeLimitMs: Int = 1500
    /// Automatic inline completions answer after this many milliseconds with the whole words written
    /// so far; the rest is written in the background and shown as the user types (0: off). Nil
    /// ("auto"): after as long as generating `autoFirstAnswerTokens` tokens takes with this model here.
    public var firstAnswerMs: Int? = nil
    public static let autoFirstAnswerTokens = 10

    /// `firstAnswerMs` for the backend.
    public var firstAnswer: FirstAnswer {
        switch firstAnswerMs {
        case nil: return .afterTokens(Self.autoFirstAnswerTokens)
        case 0?: return .whenFinished
        case let ms?: return .after(.milliseconds(ms))
        }
    }
    /// Single-line or multi-line completions.
    public var multiline: MultilinePolicy = .auto
    /// Prompt token budget (prefix, suffix and extra context).
    public var contextTokens: Int = 2048
    /// Whether other open documents are offered to the prompt as extra context.
    public var extraContext: Bool = true
    /// Whether the engine, while idle, computes the completion that follows accepting the shown one.
    public var precompute: Bool = true
    /// Tokens guessed from the text so far and checked in one forward pass per decode step (0: off).
    public var draftTokens: Int = SessionOptions().draftTokens
    /// Frames larger than this are rejected (skipped), not buffered.
    public var maxMessageBytes: Int = 64 << 20

    public static let defaultModel = ModelLocator.defaultName

    public init() {}

    /// The GGUF file `model` names: a path (contains `/` or ends in `.gguf`), else a pinned name in
    /// the model cache (`$INFILL_CACHE`, default `~/.cache/infill`).
    public func modelPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        if model.contains("/") || model.hasSuffix(".gguf") {
            return model.hasPrefix("~/") ? home + model.dropFirst() : model
        }
        return ModelLocator.cachedModelPath(model, environment: environment)
    }

    /// Applies the options present in `json` (an object, or one under an `infill` key as
    /// editors nest server settings). Returns a warning for each key or value it could not use.
    @discardableResult
    public mutating func apply(_ json: JSONValue?) -> [String] {
        guard var json else { return [] }
        if let nested = json["infill"], case .object = nested { json = nested }
        guard case .object(let options) = json else {
            return json == .null ? [] : ["settings are not an object; ignored"]
        }
        var warnings: [String] = []
        func int(_ key: String, _ value: JSONValue, min: Int, max: Int = Int.max) -> Int? {
            guard let n = value.intValue, n >= min, n <= max else {
                warnings.append("setting \(key) must be an integer from \(min) to \(max == Int.max ? "∞" : "\(max)"); ignored")
                return nil
            }
            return n
        }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "model":
                if let s = value.stringValue, !s.isEmpty { model = s } else { warnings.append("setting model must be a non-empty string; ignored") }
            case "threads": threads = int(key, value, min: 1, max: 512) ?? threads
            case "maxNewTokens": maxNewTokens = int(key, value, min: 1, max: 4096) ?? maxNewTokens
            case "docstringMaxNewTokens": docstringMaxNewTokens = int(key, value, min: 1, max: 4096) ?? docstringMaxNewTokens
            case "timeLimitMs": timeLimitMs = int(key, value, min: 1) ?? timeLimitMs
            case "firstAnswerMs":
                if value.stringValue == "auto" || value == .null { firstAnswerMs = nil } else {
                    firstAnswerMs = int(key, value, min: 0) ?? firstAnswerMs
                }
            case "draftTokens":
                let range = SessionOptions.draftTokenRange
                draftTokens = int(key, value, min: range.lowerBound, max: range.upperBound) ?? draftTokens
            case "contextTokens": contextTokens = int(key, value, min: 64) ?? contextTokens
            case "maxMessageBytes": maxMessageBytes = int(key, value, min: 1024) ?? maxMessageBytes
            case "multiline":
                if let s = value.stringValue, let p = MultilinePolicy(rawValue: s) {
                    multiline = p
                } else if let b = value.boolValue {
                    multiline = b ? .always : .never
                } else {
                    warnings.append("setting multiline must be \"auto\", \"always\" or \"never\"; ignored")
                }
            case "extraContext":
                if let b = value.boolValue { extraContext = b } else { warnings.append("setting extraContext must be true or false; ignored") }
            case "precompute":
                if let b = value.boolValue { precompute = b } else { warnings.append("setting precompute must be true or false; ignored") }
            default:
                warnings.append("unknown setting \(key); ignored (see docs/configuration.md)")
            }
        }
        return warnings
    }

    /// Whether going from `self` to `other` needs the model loaded again.
    public func needsReload(for other: ServerConfiguration) -> Bool {
        model != other.model || threads != other.threads || draftTokens != other.draftTokens
    }
}
