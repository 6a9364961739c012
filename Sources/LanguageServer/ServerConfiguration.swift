import CompletionBackend
import Foundation
import LSPProtocol

/// Every user-facing option; `Settings.all` defines each one's key, range and documentation.
/// Sources, later wins: defaults, command-line flags, `initializationOptions`,
/// `workspace/didChangeConfiguration`.
public struct ServerConfiguration: Sendable, Equatable {
    // What each setting means, its range and its key: `Settings.all`.
    public var model: String = ServerConfiguration.defaultModel
    /// One of `backends`.
    public var backend: String = "local"
    public static let backends = ["local", "llama-server"]
    public var url: String = "http://127.0.0.1:8080"
    public var tokenizerModel: String = ServerConfiguration.defaultModel
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var maxNewTokens: Int = 64
    public var docstringMaxNewTokens: Int = 160
    public var timeLimitMs: Int = 1500
    /// Nil: "auto", after as long as generating `autoFirstAnswerTokens` tokens takes here.
    public var firstAnswerMs: Int? = nil
    public static let autoFirstAnswerTokens = 10
    public var multiline: MultilinePolicy = .auto
    public var contextTokens: Int = 2048
    public var extraContext: Bool = true
    public var precompute: Bool = true
    public var draftTokens: Int = SessionGenerator.defaultDraftTokens
    public var maxMessageBytes: Int = 64 << 20

    /// `firstAnswerMs` for the backend.
    public var firstAnswer: FirstAnswer {
        switch firstAnswerMs {
        case nil: return .afterTokens(Self.autoFirstAnswerTokens)
        case 0?: return .whenFinished
        case let ms?: return .after(.milliseconds(ms))
        }
    }

    public static let defaultModel = SessionGenerator.defaultModelName

    public init() {}

    /// The GGUF file `model` names: a path (contains `/` or ends in `.gguf`), else a pinned name in
    /// the model cache (`$INFILL_CACHE`, default `~/.cache/infill`).
    public func modelPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        Self.path(of: model, environment: environment)
    }

    /// The GGUF file whose vocabulary the llama-server backend tokenizes with (`tokenizerModel`).
    public func tokenizerModelPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        Self.path(of: tokenizerModel, environment: environment)
    }

    static func path(of model: String, environment: [String: String]) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        if model.contains("/") || model.hasSuffix(".gguf") {
            return model.hasPrefix("~/") ? home + model.dropFirst() : model
        }
        return SessionGenerator.cachedModelPath(model, environment: environment)
    }

    /// What answers completions, for `infill/status` and logs.
    public var backendDescription: String {
        backend == "llama-server" ? "llama-server at \(url) (tokenizer \(tokenizerModel))" : modelPath()
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
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let setting = Settings.named(key) else {
                warnings.append("unknown setting \(key); ignored (see docs/configuration.md)")
                continue
            }
            if let warning = setting.apply(value, to: &self) { warnings.append(warning) }
        }
        return warnings
    }

    /// Whether going from `self` to `other` needs the model loaded again.
    public func needsReload(for other: ServerConfiguration) -> Bool {
        backend != other.backend || url != other.url || tokenizerModel != other.tokenizerModel
            || model != other.model || threads != other.threads || draftTokens != other.draftTokens
    }
}
