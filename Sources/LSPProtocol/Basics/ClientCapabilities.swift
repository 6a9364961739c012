/// The parts of the client's capabilities the server looks at; everything else is ignored.
public struct ClientCapabilities: Codable, Hashable, Sendable {
    public var general: General?
    public var workspace: Workspace?
    public var textDocument: TextDocument?
    public var window: Window?

    public init(general: General? = nil, workspace: Workspace? = nil, textDocument: TextDocument? = nil,
                window: Window? = nil) {
        self.general = general
        self.workspace = workspace
        self.textDocument = textDocument
        self.window = window
    }

    public struct General: Codable, Hashable, Sendable {
        /// Encodings the client supports, most preferred first (raw strings: unknown ones are kept).
        public var positionEncodings: [String]?
        public init(positionEncodings: [String]? = nil) { self.positionEncodings = positionEncodings }
    }

    public struct Workspace: Codable, Hashable, Sendable {
        public var applyEdit: Bool?
        public init(applyEdit: Bool? = nil) { self.applyEdit = applyEdit }
    }

    public struct TextDocument: Codable, Hashable, Sendable {
        public var codeAction: CodeAction?
        public init(codeAction: CodeAction? = nil) { self.codeAction = codeAction }

        public struct CodeAction: Codable, Hashable, Sendable {
            public var resolveSupport: ResolveSupport?
            public var dataSupport: Bool?
            public init(resolveSupport: ResolveSupport? = nil, dataSupport: Bool? = nil) {
                self.resolveSupport = resolveSupport
                self.dataSupport = dataSupport
            }
            public struct ResolveSupport: Codable, Hashable, Sendable {
                public var properties: [String]
                public init(properties: [String]) { self.properties = properties }
            }
        }
    }

    public struct Window: Codable, Hashable, Sendable {
        public var workDoneProgress: Bool?
        public init(workDoneProgress: Bool? = nil) { self.workDoneProgress = workDoneProgress }
    }
}
