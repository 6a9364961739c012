/// A JSON-RPC request id: a number or a string.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    case number(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) {
            self = .number(n)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .string(let s): return "\"\(s)\""
        }
    }

    public var json: JSONValue {
        switch self {
        case .number(let n): return .int(n)
        case .string(let s): return .string(s)
        }
    }

    public init?(json: JSONValue) {
        switch json {
        case .int(let n): self = .number(n)
        // A number Int cannot hold exactly (1e300, 2^63, 10.5) is not an id this server can
        // echo back unchanged, so it is no id at all: the message is an Invalid Request.
        case .double(let d): guard let n = Int(exactly: d) else { return nil }; self = .number(n)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }
}
