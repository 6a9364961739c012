/// SentencePiece-style BPE as llama.cpp runs it for `tokenizer.ggml.model = llama`: start from the
/// UTF-8 characters, repeatedly merge the adjacent pair whose concatenation is the vocabulary
/// token with the highest score (leftmost first among equal scores), then emit the tokens, with
/// characters that are not tokens spelled as byte tokens `<0xXX>`.
struct SentencePieceMerger {
    struct Candidate: HeapElement {
        var score: Float
        var left: Int32
        var right: Int32
        var length: Int32

        static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
            a.score > b.score || (a.score == b.score && a.left < b.left)
        }
    }

    private var start: [Int32] = []
    private var length: [Int32] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    private var heap = BinaryHeap<Candidate>()

    /// Tokenizes `text` (already escaped: spaces as U+2581) and appends the ids to `output`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, tokenizer: Tokenizer, into output: inout [Int32]) {
        start.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        var offset = 0
        while offset < text.count {
            let n = min(UTF8Text.sequenceLength(text[offset]), text.count - offset)
            start.append(Int32(offset))
            length.append(Int32(n))
            offset += n
        }
        let count = start.count
        if count == 0 { return }
        prev = (0..<count).map { Int32($0) - 1 }
        next = (0..<count).map { $0 + 1 < count ? Int32($0 + 1) : -1 }
        heap.removeAll()
        for i in 1..<max(count, 1) { addCandidate(Int32(i - 1), Int32(i), text, tokenizer) }
        while let c = heap.pop() {
            let l = Int(c.left), r = Int(c.right)
            guard length[l] != 0, length[r] != 0, length[l] + length[r] == c.length else { continue }
            length[l] += length[r]
            length[r] = 0
            next[l] = next[r]
            if next[r] >= 0 { prev[Int(next[r])] = Int32(l) }
            if prev[l] >= 0 { addCandidate(prev[l], Int32(l), text, tokenizer) }
            if next[l] >= 0 { addCandidate(Int32(l), next[l], text, tokenizer) }
        }
        var i = 0
        while i >= 0 {
            let piece = UnsafeBufferPointer(rebasing: text[Int(start[i])..<Int(start[i] + length[i])])
            if let id = tokenizer.vocabularyToken(piece) {
                output.append(id)
            } else {
                for byte in piece { tokenizer.appendByteToken(byte, to: &output) }
            }
            i = Int(next[i])
        }
    }

    private mutating func addCandidate(_ left: Int32, _ right: Int32, _ text: UnsafeBufferPointer<UInt8>, _ tokenizer: Tokenizer) {
        let s = Int(start[Int(left)])
        let n = Int(length[Int(left)] + length[Int(right)])
        guard let id = tokenizer.vocabularyToken(UnsafeBufferPointer(rebasing: text[s..<s + n])) else { return }
        heap.push(Candidate(score: tokenizer.score(id), left: left, right: right, length: Int32(n)))
    }
}
