/// A growable byte queue: bytes are appended at the back and consumed from the front without
/// shifting the whole array on every read (cf. swift-nio's ByteBuffer, much reduced).
public struct ByteBuffer: Sendable, Equatable {
    private(set) var storage: [UInt8] = []
    private(set) var readerIndex = 0

    public init() {}
    public init(_ bytes: some Sequence<UInt8>) { storage = Array(bytes) }

    public var readableBytes: Int { storage.count - readerIndex }
    public var readableView: ArraySlice<UInt8> { storage[readerIndex...] }

    public mutating func write(_ bytes: some Sequence<UInt8>) { storage.append(contentsOf: bytes) }
    public mutating func write(_ string: String) { storage.append(contentsOf: string.utf8) }

    /// Removes `count` bytes from the front and returns them.
    public mutating func read(_ count: Int) -> [UInt8] {
        precondition(count <= readableBytes)
        let bytes = Array(storage[readerIndex..<readerIndex + count])
        skip(count)
        return bytes
    }

    public mutating func skip(_ count: Int) {
        precondition(count <= readableBytes)
        readerIndex += count
        // Compact once the consumed part dominates, so memory stays bounded by what is unread.
        if readerIndex == storage.count {
            storage.removeAll(keepingCapacity: storage.count < 1 << 20)
            readerIndex = 0
        } else if readerIndex > 4096 && readerIndex * 2 > storage.count {
            storage.removeFirst(readerIndex)
            readerIndex = 0
        }
    }
}
