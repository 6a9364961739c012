/// An immutable-after-build map from byte strings to dense ids 0..<count, with the strings stored
/// back to back in one buffer. Open addressing with a cheap hash: building it for a 150k-token
/// vocabulary takes a few milliseconds, and lookups of a byte range allocate nothing.
struct ByteStringTable: Sendable {
    /// All strings, concatenated; string `i` is `storage[offsets[i]..<offsets[i + 1]]`.
    private(set) var storage: [UInt8] = []
    private(set) var offsets: [Int32] = [0]
    /// Slot -> id, -1 when empty. Capacity is a power of two kept at most half full.
    private var slots: [Int32]
    private var mask: Int

    init(expectedCount: Int) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
    }

    var count: Int { offsets.count - 1 }

    func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        storage[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]
    }

    func length(_ id: Int32) -> Int { Int(offsets[Int(id) + 1] - offsets[Int(id)]) }

    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, then a final mix so the low bits (used as the slot) depend on every byte.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    /// The id of `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            storage.withUnsafeBufferPointer { storage in
                offsets.withUnsafeBufferPointer { offsets in
                    while true {
                        let id = slots[slot]
                        if id < 0 { return nil }
                        let start = Int(offsets[Int(id)])
                        let end = Int(offsets[Int(id) + 1])
                        if end - start == key.count {
                            var equal = true
                            var i = 0
                            while i < key.count {
                                if storage[start + i] != key[i] { equal = false; break }
                                i += 1
                            }
                            if equal { return id }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    func find(_ key: some Collection<UInt8>) -> Int32? {
        let array = Array(key)
        return array.withUnsafeBufferPointer { find($0) }
    }

    /// Adds `key` if absent; returns its id and whether it was added.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        if let id = find(key) { return (id, false) }
        return (append(key), true)
    }

    @discardableResult
    mutating func insert(_ key: some Collection<UInt8>) -> (id: Int32, inserted: Bool) {
        let array = Array(key)
        return array.withUnsafeBufferPointer { insert($0) }
    }

    /// Stores `key` under the next id, so ids stay dense even for a duplicate string; lookups of
    /// a duplicate keep finding its first id.
    @discardableResult
    mutating func append(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        if (count + 1) * 2 > slots.count { grow() }
        let id = Int32(count)
        let present = find(key) != nil
        storage.append(contentsOf: key)
        offsets.append(Int32(storage.count))
        if !present { place(id, hash: Self.hash(key)) }
        return id
    }

    private mutating func place(_ id: Int32, hash: Int) {
        var slot = hash & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = id
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<Int32(count) {
            let key = Array(bytes(id))
            key.withUnsafeBufferPointer { key in
                if find(key) == nil { place(id, hash: Self.hash(key)) }
            }
        }
    }
}
