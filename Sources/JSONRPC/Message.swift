import LSPProtocol

/// One JSON-RPC 2.0 message, its params/result still as JSON. The server decodes params into the
/// registered protocol type once it knows the method.
public enum Message: Sendable, Equatable {
    case request(id: RequestID, method: String, params: JSONValue)
    case notification(method: String, params: JSONValue)
    case response(id: RequestID, result: JSONValue)
    case errorResponse(id: RequestID?, error: ResponseError)

    public var json: JSONValue {
        var object: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            object["id"] = id.json
            object["method"] = .string(method)
            if params != .null { object["params"] = params }
        case .notification(let method, let params):
            object["method"] = .string(method)
            if params != .null { object["params"] = params }
        case .response(let id, let result):
            object["id"] = id.json
            object["result"] = result
        case .errorResponse(let id, let error):
            object["id"] = id?.json ?? .null
            var e: [String: JSONValue] = ["code": .int(error.code), "message": .string(error.message)]
            if let data = error.data { e["data"] = data }
            object["error"] = .object(e)
        }
        return .object(object)
    }

    /// Reads a message from parsed JSON; the error says what is wrong with its shape.
    public init(json: JSONValue) throws(MessageShapeError) {
        guard case .object(let o) = json else { throw MessageShapeError(id: nil, reason: "message is not a JSON object") }
        let id = o["id"].flatMap(RequestID.init(json:))
        if let methodValue = o["method"] {
            guard case .string(let method) = methodValue else {
                throw MessageShapeError(id: id, reason: "\"method\" is not a string")
            }
            let params = o["params"] ?? .null
            switch params {
            case .null, .array, .object: break
            default: throw MessageShapeError(id: id, reason: "\"params\" of \(method) is neither an object nor an array")
            }
            if let rawID = o["id"], rawID != .null {
                guard let id else {
                    throw MessageShapeError(id: nil, reason: "\"id\" is neither a string nor an integer from -2^63 to 2^63-1")
                }
                self = .request(id: id, method: method, params: params)
            } else {
                self = .notification(method: method, params: params)
            }
        } else if let error = o["error"] {
            let code = error["code"]?.intValue ?? ResponseError.internalErrorCode
            let message = error["message"]?.stringValue ?? "(no message)"
            self = .errorResponse(id: id, error: ResponseError(code: code, message: message, data: error["data"]))
        } else if let id, o.keys.contains("result") {
            self = .response(id: id, result: o["result"] ?? .null)
        } else {
            throw MessageShapeError(id: id, reason: "neither a request, a notification nor a response")
        }
    }

    /// Parses a frame body (JSON text).
    public init(body: [UInt8]) throws(ResponseError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw ResponseError.parseError("\(error)")
        }
        do {
            self = try Message(json: json)
        } catch {
            throw ResponseError(code: ResponseError.invalidRequestCode, message: error.reason,
                                data: error.id?.json)
        }
    }

    /// The frame body (JSON text) of this message.
    public var body: [UInt8] { json.serialized() }
}

public struct MessageShapeError: Error {
    public var id: RequestID?
    public var reason: String
}
