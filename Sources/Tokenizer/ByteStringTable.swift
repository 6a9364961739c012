/// An immutable-after-build map from byte strings to dense ids 0..<count, with the strings stored
/// back to back in one buffer. Open addressing with two words per slot: (length, hash, id) and
/// the string's first 8 bytes, so a probe of a string up to 8 bytes touches one cache line.
/// Building it for a 150k-token vocabulary takes milliseconds; lookups allocate nothing.
struct ByteStringTable: Sendable {
    /// All strings, concatenated; string `i` is `storage[offsets[i]..<offsets[i + 1]]`.
    private(set) var storage: [UInt8] = []
    private(set) var offsets: [Int32] = [0]
    /// Slot s is `slots[2s]` = length (8 bits, saturated) | hash (24 bits) | id + 1 (32 bits;
    /// 0 marks an empty slot) and `slots[2s + 1]` = the first 8 bytes, zero padded.
    private var slots: [UInt64]
    private var mask: Int

    init(expectedCount: Int) {
        var capacity = 16
        while capacity * 3 < expectedCount * 4 { capacity <<= 1 }  // at most 75% full
        slots = Array(repeating: 0, count: 2 * capacity)
        mask = capacity - 1
        offsets.reserveCapacity(expectedCount + 1)
        storage.reserveCapacity(expectedCount * 8)
    }

    var count: Int { offsets.count - 1 }

    func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        storage[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]
    }

    /// A 64-bit hash (8 bytes at a time, multiply-xorshift mixing) and the first 8 bytes
    /// packed little-endian, zero padded.
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, prefix: UInt64) {
        let n = p.count
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        var prefix: UInt64 = 0
        guard let base = p.baseAddress, n > 0 else { return (h, 0) }
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if i == 0 { prefix = w }
            h = (h ^ w) &* 0xbf58_476d_1ce4_e5b9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            if n < 8 { prefix = w }
            h = (h ^ w) &* 0x94d0_49bb_1331_11eb
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 29
        return (h, prefix)
    }

    @inline(__always)
    private static func tag(_ hash: UInt64, _ length: Int) -> UInt64 {
        UInt64(min(length, 255)) << 56 | (hash & 0xFF_FFFF) << 32
    }

    /// The slot holding `key` (and its id), or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ prefix: UInt64) -> (slot: Int, id: Int32?) {
        let tag = Self.tag(hash, key.count)
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash >> 24) & mask
            while true {
                let entry = slots[2 * slot]
                if entry == 0 { return (slot, nil) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag, slots[2 * slot + 1] == prefix {
                    let id = Int(UInt32(truncatingIfNeeded: entry)) - 1
                    if key.count <= 8 || restEqual(id, key) { return (slot, Int32(id)) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Builds the table for `strings` (ids in order) with room for `extra` more, placing the
    /// entries in slot order (see `BulkOrder`).
    init(strings: [String], extra: Int) {
        self.init(expectedCount: strings.count + extra)
        for (i, string) in strings.enumerated() {
            var text = string.isEmpty ? "[EMPTY_\(i)]" : string  // as llama.cpp names empty tokens
            text.withUTF8 { storage.append(contentsOf: $0) }
            offsets.append(Int32(storage.count))
        }
        let records = storage.withUnsafeBufferPointer { storage in
            (0..<count).map { id in
                let start = offsets[id], end = offsets[id + 1]
                return record(UnsafeBufferPointer(rebasing: storage[Int(start)..<Int(end)]), index: Int32(id), start: start)
            }
        }
        let sorted = BulkOrder.byBucket(records, slotCount: mask + 1)
        let storageCopy = storage  // read-only view while the slots change
        storageCopy.withUnsafeBufferPointer { storage in
            for r in sorted {
                let key = UnsafeBufferPointer(rebasing: storage[Int(r.start)..<Int(r.start + r.length)])
                let (slot, existing) = probe(key, r.hash, r.prefix)
                if existing == nil {  // a duplicate keeps its first id (stable order)
                    slots[2 * slot] = Self.tag(r.hash, key.count) | UInt64(r.index + 1)
                    slots[2 * slot + 1] = r.prefix
                }
            }
        }
    }

    @inline(__always)
    private func record(_ key: UnsafeBufferPointer<UInt8>, index: Int32, start: Int32) -> BulkOrder.Record {
        let (hash, prefix) = Self.hash(key)
        return BulkOrder.Record(hash: hash, prefix: prefix, index: index, start: start, length: Int32(key.count),
                                home: Int32(truncatingIfNeeded: Int(truncatingIfNeeded: hash >> 24) & mask))
    }

    /// Looks up many keys (ranges of `text`) at once, visiting slots in order; -1 where absent.
    func findAll(_ text: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int32>]) -> [Int32] {
        let records = ranges.enumerated().map { i, r in
            record(UnsafeBufferPointer(rebasing: text[Int(r.lowerBound)..<Int(r.upperBound)]), index: Int32(i), start: r.lowerBound)
        }
        var found = [Int32](repeating: -1, count: ranges.count)
        for r in BulkOrder.byBucket(records, slotCount: mask + 1) {
            let key = UnsafeBufferPointer(rebasing: text[Int(r.start)..<Int(r.start + r.length)])
            found[Int(r.index)] = probe(key, r.hash, r.prefix).id ?? -1
        }
        return found
    }

    /// Bytes 8... of string `id` equal those of `key` (same length).
    private func restEqual(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        storage.withUnsafeBufferPointer { storage in
            let start = Int(offsets[id])
            guard Int(offsets[id + 1]) - start == key.count else { return false }
            var i = 8
            while i < key.count, storage[start + i] == key[i] { i += 1 }
            return i == key.count
        }
    }

    /// The id of `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let (hash, prefix) = Self.hash(key)
        return probe(key, hash, prefix).id
    }

    /// Whether string `id` is exactly `key` (a cheap check before a lookup).
    func equals(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard id >= 0, Int(id) < count else { return false }
        let start = Int(offsets[Int(id)])
        guard Int(offsets[Int(id) + 1]) - start == key.count else { return false }
        return storage.withUnsafeBufferPointer { storage in
            var i = 0
            while i < key.count, storage[start + i] == key[i] { i += 1 }
            return i == key.count
        }
    }

    func find(_ key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { find($0) }
    }

    /// Adds `key` if absent; returns its id and whether it was added.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        let (hash, prefix) = Self.hash(key)
        let (slot, id) = probe(key, hash, prefix)
        if let id { return (id, false) }
        return (store(key, hash: hash, prefix: prefix, slot: slot), true)
    }

    @discardableResult
    mutating func insert(_ key: [UInt8]) -> (id: Int32, inserted: Bool) {
        key.withUnsafeBufferPointer { insert($0) }
    }

    /// Stores `key` under the next id, so ids stay dense even for a duplicate string; lookups of
    /// a duplicate keep finding its first id.
    @discardableResult
    mutating func append(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (hash, prefix) = Self.hash(key)
        let (slot, existing) = probe(key, hash, prefix)
        if existing == nil { return store(key, hash: hash, prefix: prefix, slot: slot) }
        storage.append(contentsOf: key)
        offsets.append(Int32(storage.count))
        return Int32(count - 1)
    }

    private mutating func store(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, prefix: UInt64, slot: Int) -> Int32 {
        let id = Int32(count)
        storage.append(contentsOf: key)
        offsets.append(Int32(storage.count))
        slots[2 * slot] = Self.tag(hash, key.count) | UInt64(id + 1)
        slots[2 * slot + 1] = prefix
        if count * 4 > slots.count / 2 * 3 { grow() }
        return id
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        mask = slots.count / 2 - 1
        for id in 0..<Int32(count) {
            let key = Array(bytes(id))
            key.withUnsafeBufferPointer { key in
                let (hash, prefix) = Self.hash(key)
                let (slot, existing) = probe(key, hash, prefix)
                if existing == nil {
                    slots[2 * slot] = Self.tag(hash, key.count) | UInt64(id + 1)
                    slots[2 * slot + 1] = prefix
                }
            }
        }
    }
}
