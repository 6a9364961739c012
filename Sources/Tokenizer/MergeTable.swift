/// BPE merge rules: (left symbol, right symbol) -> (rank, merged symbol). Open addressing on the
/// packed pair with key and value side by side, so a lookup usually reads one cache line.
struct MergeTable: Sendable {
    /// Slot s: `entries[2s]` = packed pair (UInt64.max when empty), `entries[2s + 1]` = rank in
    /// the high 32 bits, merged symbol id in the low 32 bits.
    private var entries: [UInt64]
    private let shift: UInt64
    private let mask: Int
    private static let empty = UInt64.max

    init(expectedCount: Int) {
        var bits = 4
        while (1 << bits) * 3 < expectedCount * 4 { bits += 1 }  // at most 75% full
        entries = Array(repeating: Self.empty, count: 2 << bits)
        shift = UInt64(64 - bits)
        mask = (1 << bits) - 1
    }

    /// Builds the table from rules given in rank order, placing entries in slot order.
    init(left: [Int32], right: [Int32], result: [Int32]) {
        self.init(expectedCount: left.count)
        var records: [BulkOrder.Record] = []
        records.reserveCapacity(left.count)
        for rank in 0..<left.count where left[rank] >= 0 && right[rank] >= 0 {
            let key = Self.pack(left[rank], right[rank])
            records.append(BulkOrder.Record(hash: key, prefix: 0, index: Int32(rank), start: result[rank], length: 0,
                                            home: Int32(truncatingIfNeeded: slot(key))))
        }
        for r in BulkOrder.byBucket(records, slotCount: mask + 1) {
            insert(key: r.hash, rank: r.index, result: r.start)
        }
    }

    @inline(__always)
    private static func pack(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds a rule unless the pair already has one (the first, lowest rank, wins as in llama.cpp).
    mutating func insert(left: Int32, right: Int32, rank: Int32, result: Int32) {
        insert(key: Self.pack(left, right), rank: rank, result: result)
    }

    private mutating func insert(key: UInt64, rank: Int32, result: Int32) {
        var s = slot(key)
        while entries[2 * s] != Self.empty {
            if entries[2 * s] == key { return }
            s = (s + 1) & mask
        }
        entries[2 * s] = key
        entries[2 * s + 1] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: result))
    }

    /// The rule for `left` followed by `right`: its rank (lower merges first) and merged symbol.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        let key = Self.pack(left, right)
        var s = slot(key)
        return entries.withUnsafeBufferPointer { entries in
            while true {
                let k = entries[2 * s]
                if k == key {
                    let v = entries[2 * s + 1]
                    return (Int32(truncatingIfNeeded: v >> 32), Int32(truncatingIfNeeded: v))
                }
                if k == Self.empty { return nil }
                s = (s + 1) & mask
            }
        }
    }
}
