/// A bounds-checked little-endian reader over the mapped bytes. Every read checks the remaining
/// length first, so a truncated or lying file produces an error instead of a fault.
struct ByteCursor {
    let base: UnsafeRawPointer
    let end: Int
    let path: String
    private(set) var offset: Int
    /// Array elements the metadata may still hold (see `maxMetadataElements`).
    private var elementBudget = ByteCursor.maxMetadataElements

    /// Array elements allowed in all metadata together. The largest vocabularies (~256k tokens,
    /// their scores, types and merges) hold about 1M; a metadata value takes ~24 bytes in memory
    /// for 1 byte in the file, so a bound on the count is what keeps a corrupt count from turning
    /// a large file into a many-times-larger allocation.
    static let maxMetadataElements = 1 << 22
    /// Arrays of arrays nest at most this deep (real files nest none).
    static let maxNesting = 8

    init(base: UnsafeRawPointer, size: Int, path: String) {
        self.base = base
        self.end = size
        self.path = path
        self.offset = 0
    }

    var remaining: Int { end - offset }

    func error(_ kind: GGUFError.Kind, at position: Int? = nil) -> GGUFError {
        GGUFError(path: path, offset: position ?? offset, kind: kind)
    }

    mutating func need(_ n: Int) throws(GGUFError) {
        if n > remaining { throw error(.truncated(needed: n - remaining)) }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> T {
        try need(MemoryLayout<T>.size)
        let v = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func readFloat() throws(GGUFError) -> Float { Float(bitPattern: try read(UInt32.self)) }
    mutating func readDouble() throws(GGUFError) -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func readString() throws(GGUFError) -> String {
        let start = offset
        let length = try read(UInt64.self)
        guard length <= UInt64(remaining) else { throw error(.badString(length: length), at: start) }
        let bytes = UnsafeRawBufferPointer(start: base + offset, count: Int(length))
        offset += Int(length)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads an element count and rejects counts that could not fit in the rest of the file,
    /// given the minimum bytes each element takes. This bounds every allocation by the file size.
    mutating func readCount(_ what: String, minimumElementBytes: Int) throws(GGUFError) -> Int {
        let start = offset
        let count = try read(UInt64.self)
        guard count <= UInt64(remaining / max(minimumElementBytes, 1)) else {
            throw error(.absurdCount(what: what, count: count), at: start)
        }
        return Int(count)
    }

    /// Reads a value of type `rawType`, whose 4-byte tag ends at the current offset.
    mutating func readValue(type rawType: UInt32, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw error(.badValueType(rawType), at: offset - 4)
        }
        switch type {
        case .uint8: return .uint8(try read(UInt8.self))
        case .int8: return .int8(try read(Int8.self))
        case .uint16: return .uint16(try read(UInt16.self))
        case .int16: return .int16(try read(Int16.self))
        case .uint32: return .uint32(try read(UInt32.self))
        case .int32: return .int32(try read(Int32.self))
        case .uint64: return .uint64(try read(UInt64.self))
        case .int64: return .int64(try read(Int64.self))
        case .float32: return .float32(try readFloat())
        case .float64: return .float64(try readDouble())
        case .bool: return .bool(try read(UInt8.self) != 0)
        case .string: return .string(try readString())
        case .array:
            let elementTypeOffset = offset
            let elementRaw = try read(UInt32.self)
            guard let elementType = GGUFValueType(rawValue: elementRaw) else {
                throw error(.badValueType(elementRaw), at: elementTypeOffset)
            }
            if elementType == .array, depth + 1 >= Self.maxNesting {
                throw error(.nestingTooDeep(limit: Self.maxNesting), at: elementTypeOffset)
            }
            // Strings take at least their 8-byte length; nested arrays at least 12 bytes.
            let minimum = elementType.fixedSize ?? (elementType == .string ? 8 : 12)
            let countOffset = offset
            let count = try readCount("array element", minimumElementBytes: minimum)
            guard count <= elementBudget else {
                throw error(.tooManyMetadataElements(count: count, limit: Self.maxMetadataElements), at: countOffset)
            }
            elementBudget -= count
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readValue(type: elementRaw, depth: depth + 1)) }
            return .array(values)
        }
    }

    mutating func align(to alignment: Int) {
        let rem = offset % alignment
        if rem != 0 { offset += alignment - rem }
    }
}
