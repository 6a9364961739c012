/// Orders hash-table work by home slot so that a bulk build or bulk lookup walks the slot array
/// front to back. Random probes into a multi-megabyte table cost a cache and TLB miss each, which
/// dominated building a 150k-token vocabulary; visiting slots in order makes them sequential.
/// Records carry everything a probe needs, so nothing else is read at random either.
enum BulkOrder {
    struct Record {
        var hash: UInt64
        var prefix: UInt64
        /// The caller's index (token id or lookup number).
        var index: Int32
        var start: Int32
        var length: Int32
        var home: Int32
    }

    /// `records` sorted (stably) by `home >> shift`: a counting sort over buckets of 2^shift slots.
    static func byBucket(_ records: [Record], slotCount: Int, shift: Int = 8) -> [Record] {
        let buckets = max(1, slotCount >> shift)
        var starts = [Int](repeating: 0, count: buckets + 1)
        for r in records { starts[Int(r.home) >> shift + 1] += 1 }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        return [Record](unsafeUninitializedCapacity: records.count) { out, initialized in
            for r in records {
                let b = Int(r.home) >> shift
                (out.baseAddress! + starts[b]).initialize(to: r)
                starts[b] += 1
            }
            initialized = records.count
        }
    }

    /// Indices 0..<homes.count sorted (stably) by `homes[i] >> shift`.
    static func byBucket(_ homes: [Int32], slotCount: Int, shift: Int = 8) -> [Int32] {
        let buckets = max(1, slotCount >> shift)
        var starts = [Int](repeating: 0, count: buckets + 1)
        for s in homes { starts[Int(s) >> shift + 1] += 1 }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        var order = [Int32](repeating: 0, count: homes.count)
        for (i, s) in homes.enumerated() {
            let b = Int(s) >> shift
            order[starts[b]] = Int32(i)
            starts[b] += 1
        }
        return order
    }
}
