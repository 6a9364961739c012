/// Encodes the plain-text fragments of one `encode` call, reusing its scratch buffers.
struct FragmentEncoder {
    let tokenizer: Tokenizer
    private var codePoints: [UInt32] = []
    private var offsets: [Int32] = []
    private var classes: [UInt8] = []
    private var word: [Int32] = []
    private var scratch: [UInt8] = []
    private var bpe = BPEMerger()
    private var spm = SentencePieceMerger()

    init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    // MARK: SentencePiece

    mutating func encodeSentencePiece(_ text: UnsafeBufferPointer<UInt8>, spacePrefix: Bool, into output: inout [Int32]) {
        // Spaces are spelled U+2581 "▁" (E2 96 81) in the vocabulary.
        scratch.removeAll(keepingCapacity: true)
        if spacePrefix { scratch.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for b in text {
            if b == 0x20 { scratch.append(contentsOf: [0xE2, 0x96, 0x81]) } else { scratch.append(b) }
        }
        let escaped = scratch
        escaped.withUnsafeBufferPointer { spm.encode($0, tokenizer: tokenizer, into: &output) }
    }

    // MARK: Byte-level BPE

    mutating func encodeBytePair(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        guard let pre = tokenizer.preTokenizer else { return }
        UTF8Text.decode(text, codePoints: &codePoints, offsets: &offsets, classes: &classes)
        let ends = codePoints.withUnsafeBufferPointer { cps in
            classes.withUnsafeBufferPointer { cls in pre.split(cps, cls) }
        }
        var startCP = 0
        for end in ends {
            let b0 = Int(offsets[startCP]), b1 = Int(offsets[Int(end)])
            encodeWord(UnsafeBufferPointer(rebasing: text[b0..<b1]), ignoreMerges: pre.ignoresMerges, into: &output)
            startCP = Int(end)
        }
    }

    private mutating func encodeWord(_ bytes: UnsafeBufferPointer<UInt8>, ignoreMerges: Bool, into output: inout [Int32]) {
        if bytes.count == 1 {
            appendSymbol(tokenizer.byteSymbols[Int(bytes[0])], to: &output)
            return
        }
        if ignoreMerges {
            // A word that is itself a token is taken whole (llama.cpp's ignore_merges).
            scratch.removeAll(keepingCapacity: true)
            for b in bytes { scratch.append(contentsOf: ByteLevel.utf8ForByte[Int(b)]) }
            if let id = scratch.withUnsafeBufferPointer({ tokenizer.vocabularyToken($0) }) {
                output.append(id)
                return
            }
        }
        word.removeAll(keepingCapacity: true)
        tokenizer.byteSymbols.withUnsafeBufferPointer { table in
            for b in bytes { word.append(table[Int(b)]) }
        }
        bpe.merge(&word, using: tokenizer.merges)
        for s in word { appendSymbol(s, to: &output) }
    }

    @inline(__always)
    private func appendSymbol(_ symbol: Int32, to output: inout [Int32]) {
        if Int(symbol) < tokenizer.vocabularySize {
            output.append(symbol)
            return
        }
        // A string that only merge rules know: llama.cpp falls back to single-byte tokens of its text.
        for b in tokenizer.symbols.bytes(symbol) {
            if let id = [b].withUnsafeBufferPointer({ tokenizer.vocabularyToken($0) }) { output.append(id) }
        }
    }
}
