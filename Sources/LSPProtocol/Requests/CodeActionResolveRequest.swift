/// `codeAction/resolve`: fills in the `edit` of an action returned without one. Its params are the
/// code action itself.
public struct CodeActionResolveRequest: RequestType, Hashable {
    public static let method = "codeAction/resolve"
    public typealias Response = CodeAction

    public var codeAction: CodeAction

    public init(codeAction: CodeAction) { self.codeAction = codeAction }
    public init(from decoder: Decoder) throws { codeAction = try CodeAction(from: decoder) }
    public func encode(to encoder: Encoder) throws { try codeAction.encode(to: encoder) }
}
