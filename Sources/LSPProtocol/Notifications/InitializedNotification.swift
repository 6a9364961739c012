public struct InitializedNotification: NotificationType, Hashable {
    public static let method = "initialized"
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: IndexKey.self) }
}
