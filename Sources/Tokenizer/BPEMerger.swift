/// Byte-pair merging of one pre-tokenized word, as llama.cpp does it: repeatedly merge the
/// adjacent pair with the lowest merge rank, the leftmost pair first among equal ranks.
///
/// Symbols are ids in the tokenizer's symbol table (vocabulary tokens, then strings that appear
/// only inside merge rules), so the loop compares integers instead of building strings.
struct BPEMerger {
    /// A candidate merge of the symbols at `left` and `right`, stale once either has changed.
    struct Candidate: HeapElement {
        var rank: Int32
        var left: Int32
        var right: Int32
        var leftSymbol: Int32
        var rightSymbol: Int32

        static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
            a.rank < b.rank || (a.rank == b.rank && a.left < b.left)
        }
    }

    /// Words up to this many symbols use the quadratic scan, which is faster for short words and
    /// gives the same result; longer ones use the heap.
    static let scanLimit = 24

    private var symbols: [Int32] = []
    private var next: [Int32] = []
    private var prev: [Int32] = []
    private var heap = BinaryHeap<Candidate>()

    /// Merges `initial` (one symbol per byte) in place and returns the final symbols.
    mutating func merge(_ initial: inout [Int32], using merges: MergeTable) {
        if initial.count < 2 { return }
        if initial.count <= Self.scanLimit {
            Self.mergeByScanning(&initial, merges)
        } else {
            mergeWithHeap(&initial, merges)
        }
    }

    /// O(n^2) variant: find the best pair, merge it, repeat.
    static func mergeByScanning(_ symbols: inout [Int32], _ merges: MergeTable) {
        var count = symbols.count
        symbols.withUnsafeMutableBufferPointer { s in
            while count > 1 {
                var bestRank = Int32.max
                var bestIndex = -1
                var bestResult: Int32 = 0
                for i in 0..<(count - 1) {
                    if let rule = merges.lookup(s[i], s[i + 1]), rule.rank < bestRank {
                        bestRank = rule.rank
                        bestIndex = i
                        bestResult = rule.result
                    }
                }
                if bestIndex < 0 { break }
                s[bestIndex] = bestResult
                var j = bestIndex + 1
                while j + 1 < count {
                    s[j] = s[j + 1]
                    j += 1
                }
                count -= 1
            }
        }
        symbols.removeLast(symbols.count - count)
    }

    /// O(n log n) variant with a linked list of symbols and a heap of candidate merges.
    mutating func mergeWithHeap(_ initial: inout [Int32], _ merges: MergeTable) {
        let n = initial.count
        symbols = initial
        prev = (0..<n).map { Int32($0) - 1 }
        next = (0..<n).map { $0 + 1 < n ? Int32($0 + 1) : -1 }
        heap.removeAll()
        for i in 0..<(n - 1) { addCandidate(Int32(i), Int32(i + 1), merges) }
        while let c = heap.pop() {
            let l = Int(c.left), r = Int(c.right)
            // Dead (-1) or changed symbols make the candidate stale.
            guard symbols[l] == c.leftSymbol, symbols[r] == c.rightSymbol, next[l] == c.right else { continue }
            guard let rule = merges.lookup(c.leftSymbol, c.rightSymbol) else { continue }
            symbols[l] = rule.result
            symbols[r] = -1
            next[l] = next[r]
            if next[r] >= 0 { prev[Int(next[r])] = Int32(l) }
            if prev[l] >= 0 { addCandidate(prev[l], Int32(l), merges) }
            if next[l] >= 0 { addCandidate(Int32(l), next[l], merges) }
        }
        initial.removeAll(keepingCapacity: true)
        var i: Int32 = 0
        while i >= 0 {
            initial.append(symbols[Int(i)])
            i = next[Int(i)]
        }
    }

    private mutating func addCandidate(_ left: Int32, _ right: Int32, _ merges: MergeTable) {
        let a = symbols[Int(left)], b = symbols[Int(right)]
        guard let rule = merges.lookup(a, b) else { return }
        heap.push(Candidate(rank: rule.rank, left: left, right: right, leftSymbol: a, rightSymbol: b))
    }
}
