/// `workspace/applyEdit`, sent by the server to the client.
public struct ApplyEditRequest: RequestType, Hashable {
    public static let method = "workspace/applyEdit"
    public typealias Response = ApplyWorkspaceEditResult

    public var label: String?
    public var edit: WorkspaceEdit

    public init(label: String? = nil, edit: WorkspaceEdit) {
        self.label = label
        self.edit = edit
    }
}

public struct ApplyWorkspaceEditResult: ResponseType, Hashable {
    public var applied: Bool
    public var failureReason: String?
    public init(applied: Bool, failureReason: String? = nil) {
        self.applied = applied
        self.failureReason = failureReason
    }
}
