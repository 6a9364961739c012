/// `$/progress` carrying work-done progress (`begin`, `report`, `end`).
public struct ProgressNotification: NotificationType, Hashable {
    public static let method = "$/progress"
    public var token: JSONValue
    public var value: WorkDoneProgress
    public init(token: JSONValue, value: WorkDoneProgress) {
        self.token = token
        self.value = value
    }
}

public struct WorkDoneProgress: Codable, Hashable, Sendable {
    /// "begin", "report" or "end".
    public var kind: String
    public var title: String?
    public var message: String?
    public var percentage: Int?
    public var cancellable: Bool?

    public init(kind: String, title: String? = nil, message: String? = nil, percentage: Int? = nil,
                cancellable: Bool? = nil) {
        self.kind = kind
        self.title = title
        self.message = message
        self.percentage = percentage
        self.cancellable = cancellable
    }
}
