/// Building a `Tokenizer` from the vocabulary, with llama.cpp's defaults and by-text detection of
/// special tokens (the GGUF keys are often incomplete: the Qwen files name no FIM tokens).
extension Tokenizer {
    init(_ src: TokenizerSource) throws(TokenizerError) {
        let n = src.tokens.count
        let bpe: Bool
        var bos: Int32?, eos: Int32?, unknown: Int32?
        var addsBOS: Bool, addsSpacePrefix: Bool
        var preTokenizer: PreTokenizer?
        switch src.model {
        case "llama":
            bpe = false
            bos = 1; eos = 2; unknown = 0
            addsBOS = true; addsSpacePrefix = true
        case "gpt2":
            bpe = true
            guard let pre = PreTokenizer(pre: src.pre) else {
                throw TokenizerError(source: src.source, "unsupported tokenizer.ggml.pre '\(src.pre ?? "")' (supported: \(PreTokenizer.supportedNames.joined(separator: ", ")))")
            }
            preTokenizer = pre
            bos = pre.hasNoBOS ? nil : 11; eos = 11
            addsBOS = pre.addsBOSByDefault; addsSpacePrefix = false
            guard src.merges != nil else {
                throw TokenizerError(source: src.source, "tokenizer.ggml.merges is missing; a gpt2 vocabulary needs its merge rules")
            }
        default:
            throw TokenizerError(source: src.source, "unsupported tokenizer.ggml.model '\(src.model)' (supported: llama, gpt2)")
        }
        if let v = src.addBOS { addsBOS = v }
        if let v = src.addSpacePrefix { addsSpacePrefix = v }
        if let types = src.tokenTypes, types.count < n {
            throw TokenizerError(source: src.source, "tokenizer.ggml.token_type has \(types.count) entries for \(n) tokens")
        }
        if let scores = src.scores, scores.count < n {
            throw TokenizerError(source: src.source, "tokenizer.ggml.scores has \(scores.count) entries for \(n) tokens")
        }

        // The symbol table and the decoded pieces index their bytes with Int32; a third of the range
        // leaves room for the strings merges add (each rule's joined halves) and empty tokens' names.
        let textBytes = src.tokens.reduce(0) { $0 + $1.utf8.count } + (src.merges ?? []).reduce(0) { $0 + $1.utf8.count }
        guard textBytes <= Int(Int32.max) / 3 else {
            throw TokenizerError(source: src.source, "tokenizer.ggml.tokens and merges hold \(textBytes) bytes of text, "
                + "more than the \(Int(Int32.max) / 3) a tokenizer may hold; the file is corrupt")
        }

        // Token texts, then (BPE) every string the merge rules mention.
        var symbols = ByteStringTable(strings: src.tokens, extra: bpe ? n / 8 : 0)
        var types = (src.tokenTypes ?? []).prefix(n).map(TokenType.init(storedValue:))
        if types.isEmpty { types = Array(repeating: .normal, count: n) }
        var attributes = types.map(TokenAttributes.init)

        var byteSymbols = [Int32](repeating: -1, count: 256)
        var merges = MergeTable(expectedCount: 0)
        if bpe {
            for b in 0..<256 { byteSymbols[b] = symbols.insert(ByteLevel.utf8ForByte[b]).id }
            merges = Self.buildMerges(src.merges ?? [], &symbols)
        } else {
            let hex = Array("0123456789ABCDEF".utf8)
            for b in 0..<256 {
                let name: [UInt8] = [0x3C, 0x30, 0x78, hex[b >> 4], hex[b & 15], 0x3E]  // <0xXX>
                if let id = symbols.find(name), Int(id) < n {
                    byteSymbols[b] = id
                } else if let id = symbols.find([UInt8(b)]), Int(id) < n {
                    byteSymbols[b] = id
                }
            }
        }

        // Special token ids: GGUF keys override llama.cpp's per-model defaults.
        func valid(_ id: Int32?) -> Int32? { id.flatMap { $0 >= 0 && Int($0) < n ? $0 : nil } }
        func key(_ name: String, _ fallback: Int32?) -> Int32? {
            if let v = src.tokenIDs[name], v >= 0, v < n { return Int32(v) }
            return valid(fallback)
        }
        bos = key("bos", bos)
        eos = key("eos", eos)
        unknown = key("unknown", unknown)
        let padding = key("padding", nil)
        var eot = key("eot", nil)
        var eom = key("eom", nil)
        // The deprecated prefix/suffix/middle keys win when present, as in llama.cpp's key order.
        var fim = [
            key("prefix", key("fim_pre", nil)), key("suffix", key("fim_suf", nil)), key("middle", key("fim_mid", nil)),
            key("fim_pad", nil), key("fim_rep", nil), key("fim_sep", nil),
        ]

        // By-text detection, as llama.cpp: found tokens become control tokens.
        func find(_ texts: [String]) -> Int32? {
            for t in texts {
                if let id = symbols.find(Array(t.utf8)), Int(id) < n { return id }
            }
            return nil
        }
        func markControl(_ id: Int32?) { if let id { attributes[Int(id)].insert(.control) } }
        if eot == nil {
            eot = find(["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
                        "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"])
            markControl(eot)
        }
        if eom == nil {
            eom = find(["<|eom_id|>"])
            markControl(eom)
        }
        let fimTexts: [[String]] = [
            ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"],
            ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"],
            ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"],
            ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"],
            ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"],
            ["<|file_sep|>"],
        ]
        for i in fim.indices where fim[i] == nil {
            fim[i] = find(fimTexts[i])
            markControl(fim[i])
        }
        var endOfGeneration = Set([fim[3], fim[4], fim[5], eos, eot, eom].compactMap { $0 })
        for text in ["<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
                     "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
                     "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
                     "<｜end▁of▁sentence｜>", "[e~["] {
            if let id = find([text]) {
                endOfGeneration.insert(id)
                markControl(id)
            }
        }

        // llama.cpp's Phi-3 rule: special tokens swallow the white space after them.
        if let name = src.modelName?.lowercased(), name.contains("phi-3") || name.contains("phi3") {
            for i in 0..<n where attributes[i].isSpecialCandidate { attributes[i].insert(.rstrip) }
            if let id = find(["</s>"]) { attributes[Int(id)].insert(.rstrip) }
            for t in ["<unk>", "<s>", "<|endoftext|>"] {
                if let id = find([t]) { attributes[Int(id)].remove(.rstrip) }
            }
        }

        // What each token decodes to.
        var pieces: [UInt8] = []
        pieces.reserveCapacity(symbols.storage.count)
        var pieceOffsets: [Int32] = [0]
        pieceOffsets.reserveCapacity(n + 1)
        let spaceMark: [UInt8] = [0xE2, 0x96, 0x81]
        for i in 0..<n {
            let text = symbols.bytes(Int32(i))
            let a = attributes[i]
            if !a.isDisjoint(with: [.control, .unknown, .userDefined]) {
                pieces.append(contentsOf: text)
            } else if a.contains(.normal) {
                if bpe {
                    ByteLevel.decode(text, into: &pieces)
                } else {
                    var j = text.startIndex
                    while j < text.endIndex {
                        if j + 2 < text.endIndex, text[j] == spaceMark[0], text[j + 1] == spaceMark[1], text[j + 2] == spaceMark[2] {
                            pieces.append(0x20)
                            j += 3
                        } else {
                            pieces.append(text[j])
                            j += 1
                        }
                    }
                }
            } else if a.contains(.byte), text.count >= 5,
                      let value = UInt8(String(decoding: text.dropFirst(3).prefix(2), as: UTF8.self), radix: 16) {
                pieces.append(value)
            }
            pieceOffsets.append(Int32(pieces.count))
        }

        let allIDs = (0..<Int32(n)).filter { attributes[Int($0)].isSpecialCandidate }
        self.model = bpe ? .bytePairEncoding : .sentencePiece
        self.preTokenizerName = preTokenizer?.name
        self.vocabularySize = n
        self.bos = bos
        self.eos = eos
        self.eot = eot
        self.eom = eom
        self.unknown = unknown
        self.padding = padding
        self.fimPrefix = fim[0]
        self.fimSuffix = fim[1]
        self.fimMiddle = fim[2]
        self.fimPad = fim[3]
        self.fimRepo = fim[4]
        self.fimSeparator = fim[5]
        self.endOfGenerationTokens = endOfGeneration
        self.addsBOS = addsBOS && bos != nil
        self.addsSpacePrefix = addsSpacePrefix && !bpe
        self.symbols = symbols
        self.attributes = attributes
        self.types = types.enumerated().map { i, t in attributes[i].contains(.control) && t != .control ? .control : t }
        self.scores = bpe ? [] : (src.scores ?? [])
        self.merges = merges
        self.byteSymbols = byteSymbols
        self.preTokenizer = preTokenizer
        self.specials = SpecialTokenMatcher(ids: allIDs, text: { Array(symbols.bytes($0)) }, attributes: { attributes[Int($0)] })
        self.pieces = pieces
        self.pieceOffsets = pieceOffsets
    }
    /// Parses "left right" merge rules into a merge table, adding strings that are not tokens to
    /// `symbols`. Lookups are batched in slot order (see `BulkOrder`).
    static func buildMerges(_ rules: [String], _ symbols: inout ByteStringTable) -> MergeTable {
        // Every rule's bytes without the space, so left + right is one contiguous range.
        var text: [UInt8] = []
        text.reserveCapacity(rules.count * 10)
        var ranges: [Range<Int32>] = []  // left ranges, then right ranges
        ranges.reserveCapacity(2 * rules.count)
        var rights: [Range<Int32>] = []
        rights.reserveCapacity(rules.count)
        for rule in rules {
            var rule = rule
            rule.withUTF8 { bytes in
                // Split at the first space after the first byte, as llama.cpp does; rules
                // without one get empty (ignored) halves.
                let base = Int32(text.count)
                guard bytes.count > 2, let space = bytes[1...].firstIndex(of: 0x20) else {
                    ranges.append(base..<base)
                    rights.append(base..<base)
                    return
                }
                text.append(contentsOf: bytes[..<space])
                text.append(contentsOf: bytes[(space + 1)...])
                ranges.append(base..<base + Int32(space))
                rights.append(base + Int32(space)..<Int32(text.count))
            }
        }
        ranges += rights
        let count = rules.count
        var found = text.withUnsafeBufferPointer { symbols.findAll($0, ranges) }
        var left = [Int32](repeating: -1, count: count)
        var right = [Int32](repeating: -1, count: count)
        var result = [Int32](repeating: -1, count: count)
        var lastResult: Int32 = -2
        text.withUnsafeBufferPointer { text in
            for i in 0..<count {
                let l = ranges[i], r = ranges[count + i]
                if l.isEmpty || r.isEmpty { continue }
                if found[i] < 0 { found[i] = symbols.insert(UnsafeBufferPointer(rebasing: text[Int(l.lowerBound)..<Int(l.upperBound)])).id }
                if found[count + i] < 0 {
                    found[count + i] = symbols.insert(UnsafeBufferPointer(rebasing: text[Int(r.lowerBound)..<Int(r.upperBound)])).id
                }
                left[i] = found[i]
                right[i] = found[count + i]
                // Most vocabularies number tokens in merge order: try the id after the last result.
                let joined = UnsafeBufferPointer(rebasing: text[Int(l.lowerBound)..<Int(r.upperBound)])
                result[i] = symbols.equals(lastResult + 1, joined) ? lastResult + 1 : symbols.insert(joined).id
                lastResult = result[i]
            }
        }
        return MergeTable(left: left, right: right, result: result)
    }
}
