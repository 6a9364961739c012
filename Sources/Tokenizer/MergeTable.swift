/// BPE merge rules: (left symbol, right symbol) -> (rank, merged symbol). Open addressing on the
/// packed pair, so the merge loop does one multiply and usually one probe per lookup.
struct MergeTable: Sendable {
    private var keys: [UInt64]
    /// rank in the high 32 bits, merged symbol id in the low 32 bits.
    private var values: [UInt64]
    private let shift: UInt64
    private let mask: Int
    private static let empty = UInt64.max

    init(expectedCount: Int) {
        var bits = 4
        while (1 << bits) < expectedCount * 2 { bits += 1 }
        keys = Array(repeating: Self.empty, count: 1 << bits)
        values = Array(repeating: 0, count: 1 << bits)
        shift = UInt64(64 - bits)
        mask = (1 << bits) - 1
    }

    @inline(__always)
    private static func pack(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds a rule unless the pair already has one (the first, lowest rank, wins as in llama.cpp).
    mutating func insert(left: Int32, right: Int32, rank: Int32, result: Int32) {
        let key = Self.pack(left, right)
        var s = slot(key)
        while keys[s] != Self.empty {
            if keys[s] == key { return }
            s = (s + 1) & mask
        }
        keys[s] = key
        values[s] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: result))
    }

    /// The rule for `left` followed by `right`: its rank (lower merges first) and merged symbol.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        let key = Self.pack(left, right)
        var s = slot(key)
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let k = keys[s]
                if k == key {
                    let v = values[s]
                    return (Int32(truncatingIfNeeded: v >> 32), Int32(truncatingIfNeeded: v))
                }
                if k == Self.empty { return nil }
                s = (s + 1) & mask
            }
        }
    }
}
