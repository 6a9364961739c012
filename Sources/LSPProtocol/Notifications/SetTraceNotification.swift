public struct SetTraceNotification: NotificationType, Hashable {
    public static let method = "$/setTrace"
    /// "off", "messages" or "verbose".
    public var value: String
    public init(value: String) { self.value = value }
}
