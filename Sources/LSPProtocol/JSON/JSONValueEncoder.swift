/// Encodes `Encodable` values into a `JSONValue` tree. Optional fields that are `nil` are left out
/// (synthesized `encodeIfPresent`), which is what LSP clients expect for absent properties.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONValueEncoderImpl(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.value ?? .object([:])
    }
}

/// A node being filled in: containers write through it so nested containers reach their parent.
final class EncodingSlot {
    var value: JSONValue?
    var children: [(key: String, slot: EncodingSlot)] = []
    var elements: [EncodingSlot] = []
    var kind: Kind = .unset
    enum Kind { case unset, object, array }

    init(_ value: JSONValue? = nil) { self.value = value }

    /// The finished tree.
    func resolve() -> JSONValue {
        switch kind {
        case .unset: return value ?? .null
        case .object:
            var members: [String: JSONValue] = [:]
            for (key, slot) in children { members[key] = slot.resolve() }
            return .object(members)
        case .array: return .array(elements.map { $0.resolve() })
        }
    }
}

final class JSONValueEncoderImpl: Encoder {
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let root: EncodingSlot
    /// Reading `storage.value` resolves the tree; `JSONValue.encode` writes it directly.
    var storage: Storage { Storage(slot: root) }

    struct Storage {
        let slot: EncodingSlot
        var value: JSONValue? {
            get { slot.kind == .unset ? slot.value : slot.resolve() }
            nonmutating set { slot.kind = .unset; slot.value = newValue }
        }
    }

    init(codingPath: [CodingKey], slot: EncodingSlot = EncodingSlot()) {
        self.codingPath = codingPath
        self.root = slot
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if root.kind != .object { root.kind = .object; root.children = [] }
        return KeyedEncodingContainer(KeyedEncoder<Key>(slot: root, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if root.kind != .array { root.kind = .array; root.elements = [] }
        return UnkeyedEncoder(slot: root, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleEncoder(slot: root, codingPath: codingPath) }
}

/// Scalars become leaves directly; anything else encodes itself into a child encoder.
private func encodeValue<T: Encodable>(_ value: T, into slot: EncodingSlot, path: [CodingKey]) throws {
    switch value {
    case let v as Bool: slot.value = .bool(v)
    case let v as String: slot.value = .string(v)
    case let v as Int: slot.value = .int(v)
    case let v as Int32: slot.value = .int(Int(v))
    case let v as Int64: slot.value = .int(Int(v))
    case let v as UInt32: slot.value = .int(Int(v))
    case let v as Double: slot.value = .double(v)
    case let v as Float: slot.value = .double(Double(v))
    case let v as JSONValue: slot.value = v
    default: try value.encode(to: JSONValueEncoderImpl(codingPath: path, slot: slot))
    }
}

private struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot
    let codingPath: [CodingKey]

    private func child(_ key: Key) -> EncodingSlot {
        let s = EncodingSlot()
        slot.children.removeAll { $0.key == key.stringValue }
        slot.children.append((key.stringValue, s))
        return s
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).value = .null }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: child(key), path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONValueEncoderImpl(codingPath: codingPath + [key], slot: child(key)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        JSONValueEncoderImpl(codingPath: codingPath + [key], slot: child(key)).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl(codingPath: codingPath, slot: slot) }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        JSONValueEncoderImpl(codingPath: codingPath + [key], slot: child(key))
    }
}

private struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [CodingKey]
    var count: Int { slot.elements.count }

    private func next() -> EncodingSlot {
        let s = EncodingSlot()
        slot.elements.append(s)
        return s
    }

    mutating func encodeNil() throws { next().value = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, into: next(), path: codingPath + [IndexKey(count)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONValueEncoderImpl(codingPath: codingPath, slot: next()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        JSONValueEncoderImpl(codingPath: codingPath, slot: next()).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl(codingPath: codingPath, slot: next()) }
}

private struct SingleEncoder: SingleValueEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [CodingKey]
    mutating func encodeNil() throws { slot.kind = .unset; slot.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws {
        slot.kind = .unset
        try encodeValue(value, into: slot, path: codingPath)
    }
}
