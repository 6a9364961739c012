/// `infill/status` (Infill's own): the model and counters, for benchmarks and status displays.
public struct StatusRequest: RequestType, Hashable {
    public static let method = "infill/status"
    public typealias Response = ServerStatus
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: IndexKey.self) }
}

public struct ServerStatus: ResponseType, Hashable {
    /// The model file in use, and its state: "loading", "ready", "failed: why" or "idle".
    public var model: String
    public var modelState: String
    /// Generations run (completions and docstrings), and how many were cancelled or dropped.
    public var generations: Int
    public var cancelledOrDropped: Int
    public var promptTokens: Int
    public var reusedPromptTokens: Int
    public var generatedTokens: Int
    /// Wall time of the last generation in milliseconds (waiting included).
    public var lastLatencyMs: Double?
    /// Prompt tokens of the last generation, and how many of them came from the KV cache.
    public var lastPromptTokens: Int
    public var lastReusedTokens: Int

    public init(model: String, modelState: String, generations: Int = 0, cancelledOrDropped: Int = 0,
                promptTokens: Int = 0, reusedPromptTokens: Int = 0, generatedTokens: Int = 0, lastLatencyMs: Double? = nil) {
        self.model = model
        self.modelState = modelState
        self.generations = generations
        self.cancelledOrDropped = cancelledOrDropped
        self.promptTokens = promptTokens
        self.reusedPromptTokens = reusedPromptTokens
        self.generatedTokens = generatedTokens
        self.lastLatencyMs = lastLatencyMs
        self.lastPromptTokens = 0
        self.lastReusedTokens = 0
    }
}
