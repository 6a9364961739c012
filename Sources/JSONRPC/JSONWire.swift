import CJSON
import LSPProtocol

/// JSON text ↔ `JSONValue`, through jsoncpp (the CJSON target).
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { "invalid JSON: \(message)" }
}

extension JSONValue {
    /// The most values one message may hold (see `JSONPrescan`); no LSP message a client sends
    /// comes near it.
    public static let maxValues = 1 << 20

    /// Parses UTF-8 JSON text with jsoncpp.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONSyntaxError) {
        let array = bytes as? [UInt8] ?? Array(bytes)
        var patched: [UInt8]?
        let result: Result<JSONValue, JSONSyntaxError> = array.withUnsafeBufferPointer { buffer in
            let scan = JSONPrescan(buffer)
            guard scan.valueCount <= Self.maxValues else {
                return .failure(JSONSyntaxError(message: "more than \(Self.maxValues) values in one message"))
            }
            if !scan.loneSurrogates.isEmpty {
                var copy = Array(buffer)
                for at in scan.loneSurrogates { copy.replaceSubrange(at..<(at + 6), with: JSONPrescan.replacement) }
                patched = copy
                return .success(.null)
            }
            return Self.parse(buffer)
        }
        if let patched {
            self = try patched.withUnsafeBufferPointer { Self.parse($0) }.get()
        } else {
            self = try result.get()
        }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> {
        guard buffer.count > 0 else { return .failure(JSONSyntaxError(message: "empty message: no JSON value")) }
        var error = [CChar](repeating: 0, count: 512)
        let tree = buffer.withMemoryRebound(to: CChar.self) { cjson_parse($0.baseAddress!, $0.count, &error, 512) }
        guard let tree else {
            let message = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(JSONSyntaxError(message: message.isEmpty ? "unparseable input" : message))
        }
        defer { cjson_free(tree) }
        return .success(JSONValue.convert(tree))
    }

    private static func convert(_ node: OpaquePointer) -> JSONValue {
        switch cjson_get_type(node) {
        case CJSON_NULL: return .null
        case CJSON_BOOL: return .bool(cjson_get_bool(node) != 0)
        case CJSON_INT: return .int(Int(cjson_get_int(node)))
        case CJSON_UINT: return .double(Double(cjson_get_uint(node)))
        case CJSON_DOUBLE: return .double(cjson_get_double(node))
        case CJSON_STRING:
            var length = 0
            let pointer = cjson_get_string(node, &length)!
            return .string(string(pointer, length))
        case CJSON_ARRAY:
            let count = cjson_size(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for i in 0..<count { elements.append(convert(cjson_array_at(node, i))) }
            return .array(elements)
        case CJSON_OBJECT:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(cjson_size(node))
            let iterator = cjson_members_begin(node)
            defer { cjson_members_free(iterator) }
            var key: UnsafePointer<CChar>?
            var keyLength = 0
            var value: OpaquePointer?
            while cjson_members_next(iterator, &key, &keyLength, &value) != 0 {
                members[string(key!, keyLength)] = convert(value!)
            }
            return .object(members)
        default: return .null
        }
    }

    private static func string(_ pointer: UnsafePointer<CChar>, _ length: Int) -> String {
        pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// Compact UTF-8 JSON text, written by jsoncpp.
    public func serialized() -> [UInt8] {
        let tree = makeTree()
        defer { cjson_free(tree) }
        var length = 0
        guard let text = cjson_write(tree, &length) else { return Array("null".utf8) }
        defer { cjson_free_string(text) }
        return text.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    private func makeTree() -> OpaquePointer {
        switch self {
        case .null: return cjson_new_null()
        case .bool(let b): return cjson_new_bool(b ? 1 : 0)
        case .int(let i): return cjson_new_int(Int64(i))
        case .double(let d): return d.isFinite ? cjson_new_double(d) : cjson_new_null()
        case .string(let s):
            return withCChars(Array(s.utf8)) { cjson_new_string($0, $1) }
        case .array(let elements):
            let array = cjson_new_array()!
            for element in elements { cjson_append(array, element.makeTree()) }
            return array
        case .object(let members):
            let object = cjson_new_object()!
            for (key, value) in members {
                let child = value.makeTree()
                withCChars(Array(key.utf8)) { cjson_set(object, $0, $1, child) }
            }
            return object
        }
    }
}

/// Calls `body` with a valid (never null) pointer to the bytes and their count.
private func withCChars<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    let padded = bytes + [0]
    return padded.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!, bytes.count) }
    }
}
