/// A message's parameters: a plain Codable struct.
public protocol MessageType: Codable, Sendable {}

/// A request names its method and the type of its result.
public protocol RequestType: MessageType {
    associatedtype Response: ResponseType
    static var method: String { get }
}

/// A notification names its method; it has no response.
public protocol NotificationType: MessageType {
    static var method: String { get }
}

/// A request's result. `Optional` results encode as JSON `null` when absent.
public protocol ResponseType: Codable, Sendable {}

extension Optional: ResponseType where Wrapped: ResponseType {}
extension Array: ResponseType where Element: ResponseType {}
extension JSONValue: ResponseType {}

/// The result of requests that return nothing (`shutdown`): encodes as `null`.
public struct VoidResponse: ResponseType, Hashable {
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

/// Every message type the server knows, by method name. Adding a message is one new file plus one
/// line here.
public enum MessageRegistry {
    public static let requests: [String: any RequestType.Type] = Dictionary(
        uniqueKeysWithValues: requestTypes.map { ($0.method, $0) })
    public static let notifications: [String: any NotificationType.Type] = Dictionary(
        uniqueKeysWithValues: notificationTypes.map { ($0.method, $0) })

    public static let requestTypes: [any RequestType.Type] = [
        InitializeRequest.self,
        ShutdownRequest.self,
        InlineCompletionRequest.self,
        CompletionRequest.self,
        CodeActionRequest.self,
        CodeActionResolveRequest.self,
        ExecuteCommandRequest.self,
        StatusRequest.self,
        // Sent by the server; listed so a client (the test client) can decode them.
        ApplyEditRequest.self,
        CreateWorkDoneProgressRequest.self,
    ]

    public static let notificationTypes: [any NotificationType.Type] = [
        InitializedNotification.self,
        ExitNotification.self,
        CancelRequestNotification.self,
        SetTraceNotification.self,
        DidChangeConfigurationNotification.self,
        DidOpenTextDocumentNotification.self,
        DidChangeTextDocumentNotification.self,
        DidSaveTextDocumentNotification.self,
        DidCloseTextDocumentNotification.self,
        // Sent by the server.
        LogMessageNotification.self,
        ShowMessageNotification.self,
        ProgressNotification.self,
    ]
}
