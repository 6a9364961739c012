public struct ExecuteCommandRequest: RequestType, Hashable {
    public static let method = "workspace/executeCommand"
    public typealias Response = JSONValue?

    public var command: String
    public var arguments: [JSONValue]?

    public init(command: String, arguments: [JSONValue]? = nil) {
        self.command = command
        self.arguments = arguments
    }
}
