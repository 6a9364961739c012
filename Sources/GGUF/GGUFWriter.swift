#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes GGUF v3 files. Tests and tools use it to build small models and crafted bad inputs
/// without downloading anything.
public struct GGUFWriter: Sendable {
    public struct Tensor: Sendable {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var data: [UInt8]
    }

    public var version: UInt32 = 3
    public var alignment: Int = GGUFFile.defaultAlignment
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    public private(set) var tensors: [Tensor] = []

    public init() {}

    /// Sets a key, replacing an earlier value with the same key.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.key == key }) {
            metadata[i].value = value
        } else {
            metadata.append((key, value))
        }
    }

    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, data: [UInt8]) {
        tensors.append(Tensor(name: name, dimensions: dimensions, type: type, data: data))
    }

    /// Convenience for F32 tensors.
    public mutating func addTensor(name: String, dimensions: [Int], floats: [Float]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        addTensor(name: name, dimensions: dimensions, type: .f32, data: bytes)
    }

    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func putString(_ s: String) { put(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func putValue(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): put(x)
            case .int8(let x): put(x)
            case .uint16(let x): put(x)
            case .int16(let x): put(x)
            case .uint32(let x): put(x)
            case .int32(let x): put(x)
            case .uint64(let x): put(x)
            case .int64(let x): put(x)
            case .float32(let x): put(x.bitPattern)
            case .float64(let x): put(x.bitPattern)
            case .bool(let x): put(UInt8(x ? 1 : 0))
            case .string(let s): putString(s)
            case .array(let items):
                put((items.first?.typeTag ?? .uint8).rawValue)
                put(UInt64(items.count))
                for item in items { putValue(item) }
            }
        }
        put(GGUFFile.magic)
        put(version)
        put(UInt64(tensors.count))
        var kvs = metadata
        if alignment != GGUFFile.defaultAlignment, !kvs.contains(where: { $0.key == "general.alignment" }) {
            kvs.append(("general.alignment", .uint32(UInt32(alignment))))
        }
        put(UInt64(kvs.count))
        for (key, value) in kvs {
            putString(key)
            put(value.typeTag.rawValue)
            putValue(value)
        }
        var offsets: [Int] = []
        var next = 0
        for t in tensors {
            offsets.append(next)
            next += (t.data.count + alignment - 1) / alignment * alignment
        }
        for (t, offset) in zip(tensors, offsets) {
            putString(t.name)
            put(UInt32(t.dimensions.count))
            for d in t.dimensions { put(UInt64(d)) }
            put(t.type.rawValue)
            put(UInt64(offset))
        }
        while out.count % alignment != 0 { out.append(0) }
        for t in tensors {
            out.append(contentsOf: t.data)
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    public func write(to path: String) throws(GGUFError) {
        let bytes = serialized()
        guard let f = fopen(path, "wb") else {
            throw GGUFError(path: path, offset: 0, kind: .cannotOpen(String(cString: strerror(errno))))
        }
        defer { fclose(f) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        guard written == bytes.count else {
            throw GGUFError(path: path, offset: written, kind: .cannotOpen("short write"))
        }
    }
}
