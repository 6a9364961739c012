public struct InitializeRequest: RequestType, Hashable {
    public static let method = "initialize"
    public typealias Response = InitializeResult

    public var processId: Int?
    public var clientInfo: ClientInfo?
    public var rootUri: DocumentURI?
    public var capabilities: ClientCapabilities
    public var initializationOptions: JSONValue?
    public var trace: String?
    public var workDoneToken: JSONValue?

    public init(processId: Int? = nil, clientInfo: ClientInfo? = nil, rootUri: DocumentURI? = nil,
                capabilities: ClientCapabilities = .init(), initializationOptions: JSONValue? = nil,
                trace: String? = nil, workDoneToken: JSONValue? = nil) {
        self.processId = processId
        self.clientInfo = clientInfo
        self.rootUri = rootUri
        self.capabilities = capabilities
        self.initializationOptions = initializationOptions
        self.trace = trace
        self.workDoneToken = workDoneToken
    }

    public struct ClientInfo: Codable, Hashable, Sendable {
        public var name: String
        public var version: String?
        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }
}

public struct InitializeResult: ResponseType, Hashable {
    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo?

    public init(capabilities: ServerCapabilities, serverInfo: ServerInfo? = nil) {
        self.capabilities = capabilities
        self.serverInfo = serverInfo
    }

    public struct ServerInfo: Codable, Hashable, Sendable {
        public var name: String
        public var version: String?
        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }
}
