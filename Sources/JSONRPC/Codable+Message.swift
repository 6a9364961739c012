import LSPProtocol

extension Message {
    /// A request message from a typed request.
    public static func request<R: RequestType>(_ request: R, id: RequestID) throws -> Message {
        .request(id: id, method: R.method, params: try JSONValueEncoder().encode(request))
    }

    public static func notification<N: NotificationType>(_ notification: N) throws -> Message {
        .notification(method: N.method, params: try JSONValueEncoder().encode(notification))
    }
}

extension JSONValueDecoder {
    /// Decodes params, turning a shape mismatch into InvalidParams that names the method and field.
    public func decodeParams<T: Decodable>(_ type: T.Type, method: String, from params: JSONValue) throws(ResponseError) -> T {
        do {
            return try decode(type, from: params)
        } catch let error as DecodingError {
            throw ResponseError.invalidParams("bad params for \(method): \(describe(error))")
        } catch {
            throw ResponseError.invalidParams("bad params for \(method): \(error)")
        }
    }
}

/// DecodingError's default description is long; say which field and why, briefly.
public func describe(_ error: DecodingError) -> String {
    func path(_ p: [CodingKey]) -> String {
        p.isEmpty ? "(top level)" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
        return "\(path(c.codingPath)): \(c.debugDescription)"
    case .keyNotFound(let key, let c):
        return "\(path(c.codingPath + [key])): missing required field"
    @unknown default:
        return "\(error)"
    }
}
