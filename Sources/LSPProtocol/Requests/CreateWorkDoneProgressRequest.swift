/// `window/workDoneProgress/create`, sent by the server before reporting `$/progress` on a token
/// the client did not give.
public struct CreateWorkDoneProgressRequest: RequestType, Hashable {
    public static let method = "window/workDoneProgress/create"
    public typealias Response = VoidResponse

    public var token: JSONValue
    public init(token: JSONValue) { self.token = token }
}
