/// A memory-mapped GGUF file: header, metadata and tensor directory, with zero-copy tensor views.
///
/// Everything is validated up front (counts bounded by the file size, tensors inside the file and
/// not overlapping), so later accesses need no checks.
public final class GGUFFile: @unchecked Sendable {  // immutable after init; owns a read-only mapping
    public static let magic: UInt32 = 0x4655_4747  // "GGUF" little-endian
    public static let defaultAlignment = 32
    static let maxDimensions = 4
    /// Magic, version and the two counts.
    static let headerBytes = 24
    /// Most entries reserved up front from a count the file states; past it, arrays grow as read.
    static let reserveLimit = 1 << 16

    public let path: String
    public let version: UInt32
    /// Metadata by key; `metadataKeys` keeps the file's order.
    public let metadata: [String: GGUFValue]
    public let metadataKeys: [String]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    private let file: MappedFile
    private let tensorIndex: [String: Int]

    public var fileSize: Int { file.size }

    public init(path: String) throws(GGUFError) {
        self.path = path
        file = try MappedFile(path: path)
        var cursor = ByteCursor(base: file.base, size: file.size, path: path)

        let magic = try cursor.read(UInt32.self)
        guard magic == Self.magic else { throw cursor.error(.badMagic(magic), at: 0) }
        version = try cursor.read(UInt32.self)
        guard version == 2 || version == 3 else { throw cursor.error(.unsupportedVersion(version), at: 4) }
        // A tensor info takes at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes.
        let tensorCount = try cursor.readCount("tensor", minimumElementBytes: 24)
        // A key/value takes at least 8 (key length) + 4 (type) + 1 byte.
        let kvCount = try cursor.readCount("metadata key/value", minimumElementBytes: 13)

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        metadata.reserveCapacity(min(kvCount, Self.reserveLimit))
        keys.reserveCapacity(min(kvCount, Self.reserveLimit))
        for _ in 0..<kvCount {
            let at = cursor.offset
            let key = try cursor.readString()
            let type = try cursor.read(UInt32.self)
            let value = try cursor.readValue(type: type)
            guard metadata.updateValue(value, forKey: key) == nil else { throw cursor.error(.duplicateKey(key), at: at) }
            keys.append(key)
        }
        self.metadata = metadata
        self.metadataKeys = keys

        var alignment = Self.defaultAlignment
        if let value = metadata["general.alignment"] {
            // GGUF stores it as a u32; anything larger would only push the data past the file.
            guard let a = value.int, a > 0, a <= 1 << 31, a & (a - 1) == 0 else {
                throw cursor.error(.badAlignment(value.int.map(String.init) ?? "of type \(value.typeTag)"),
                                   at: Self.headerBytes)
            }
            alignment = a
        }
        self.alignment = alignment

        struct RawInfo { let name: String; let dims: [Int]; let type: GGMLType; let relativeOffset: UInt64; let at: Int }
        var raw: [RawInfo] = []
        raw.reserveCapacity(min(tensorCount, Self.reserveLimit))
        for _ in 0..<tensorCount {
            let at = cursor.offset
            let name = try cursor.readString()
            let nDims = try cursor.read(UInt32.self)
            guard nDims >= 1, nDims <= UInt32(Self.maxDimensions) else {
                throw cursor.error(.badTensorShape(tensor: name, "\(nDims) dimensions (1 to \(Self.maxDimensions) allowed)"), at: at)
            }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try cursor.read(UInt64.self)
                guard d >= 1, d <= UInt64(Int32.max) else {
                    throw cursor.error(.badTensorShape(tensor: name, "dimension \(d) out of range (1 to \(Int32.max))"), at: at)
                }
                dims.append(Int(d))
            }
            let typeRaw = try cursor.read(UInt32.self)
            guard let type = GGMLType(rawValue: typeRaw) else {
                throw cursor.error(.unknownTensorType(tensor: name, type: typeRaw), at: at)
            }
            let relativeOffset = try cursor.read(UInt64.self)
            raw.append(RawInfo(name: name, dims: dims, type: type, relativeOffset: relativeOffset, at: at))
        }
        cursor.align(to: alignment)
        dataOffset = cursor.offset
        let dataSize = file.size - min(dataOffset, file.size)

        var tensors: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        tensors.reserveCapacity(raw.count)
        for info in raw {
            var count = 1
            for d in info.dims {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw cursor.error(.badTensorShape(tensor: info.name, "\(info.dims) has more elements than fit in 64 bits"), at: info.at)
                }
                count = product
            }
            guard info.dims[0] % info.type.blockSize == 0, let bytes = info.type.rowBytes(count) else {
                throw cursor.error(.badTensorShape(tensor: info.name, "row length \(info.dims[0]) is not a multiple of \(info.type)'s block size \(info.type.blockSize)"), at: info.at)
            }
            guard info.relativeOffset % UInt64(alignment) == 0 else {
                throw cursor.error(.badTensorShape(tensor: info.name, "data offset \(info.relativeOffset) is not aligned to \(alignment)"), at: info.at)
            }
            guard info.relativeOffset <= UInt64(dataSize), UInt64(bytes) <= UInt64(dataSize) - info.relativeOffset else {
                throw cursor.error(.tensorOutOfBounds(tensor: info.name), at: info.at)
            }
            guard index.updateValue(tensors.count, forKey: info.name) == nil else {
                throw cursor.error(.duplicateTensor(info.name), at: info.at)
            }
            tensors.append(GGUFTensorInfo(name: info.name, dimensions: info.dims, type: info.type,
                                          offset: dataOffset + Int(info.relativeOffset), byteCount: bytes))
        }
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw cursor.error(.tensorsOverlap(a.name, b.name), at: dataOffset)
        }
        self.tensors = tensors
        self.tensorIndex = index
    }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// Zero-copy view of a tensor's bytes; valid while this GGUFFile is alive.
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: file.base + tensor.offset, count: tensor.byteCount)
    }

    /// Base address of the mapping (for prefetch/madvise by the engine).
    public var baseAddress: UnsafeRawPointer { file.base }

    // MARK: Typed metadata accessors

    public var architecture: String? { string("general.architecture") }
    public func string(_ key: String) -> String? { metadata[key]?.string }
    public func int(_ key: String) -> Int? { metadata[key]?.int }
    public func float(_ key: String) -> Double? { metadata[key]?.double }
    public func bool(_ key: String) -> Bool? { metadata[key]?.bool }
    public func stringArray(_ key: String) -> [String]? {
        guard let values = metadata[key]?.array else { return nil }
        return values.compactMap(\.string)
    }
    public func floatArray(_ key: String) -> [Float]? {
        guard let values = metadata[key]?.array else { return nil }
        return values.compactMap { $0.double.map(Float.init) }
    }
    public func intArray(_ key: String) -> [Int]? {
        guard let values = metadata[key]?.array else { return nil }
        return values.compactMap(\.int)
    }
}
