/// Scans one piece `[start, end)` of a code point buffer with one split rule, appending the end
/// index of every sub-piece. Positions outside the piece read as "no code point", which is how
/// llama.cpp's scanners stop at piece boundaries.
struct PieceScanner {
    let cps: UnsafeBufferPointer<UInt32>
    let classes: UnsafeBufferPointer<UInt8>
    let start: Int
    let end: Int
    private var lastEnd: Int

    init(cps: UnsafeBufferPointer<UInt32>, classes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.cps = cps
        self.classes = classes
        self.start = start
        self.end = end
        self.lastEnd = start
    }

    private static let letter = CodePointClass.letter.rawValue
    private static let number = CodePointClass.number.rawValue
    private static let mark = CodePointClass.mark.rawValue
    private static let space = CodePointClass.whitespace.rawValue

    /// Class of the code point at `i`, 0 outside the piece.
    @inline(__always)
    private func cls(_ i: Int) -> UInt8 { i >= start && i < end ? classes[i] : 0 }

    @inline(__always)
    private func cp(_ i: Int) -> UInt32? { i >= start && i < end ? cps[i] : nil }

    @inline(__always)
    private mutating func emit(_ to: Int, _ out: inout [Int32]) {
        if to > lastEnd {
            out.append(Int32(to))
            lastEnd = to
        }
    }

    mutating func run(_ rule: SplitRule, into out: inout [Int32]) {
        switch rule {
        case .gpt2: gpt2(&out)
        case .llama3(let maxDigits, let marks): llama3(maxDigits: maxDigits, marksAreLetters: marks, &out)
        case .match(let pattern): regexSplit(pattern, &out)
        }
    }

    // MARK: GPT-2

    private mutating func gpt2(_ out: inout [Int32]) {
        let apostrophe: UInt32 = 0x27, blank: UInt32 = 0x20
        var pos = start
        while pos < end {
            let c = cps[pos]
            if c == apostrophe, pos + 1 < end {
                let n = cps[pos + 1]
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 {  // s t m d
                    pos += 2; emit(pos, &out); continue
                }
                if pos + 2 < end {
                    let nn = cps[pos + 2]
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {  // re ve ll
                        pos += 3; emit(pos, &out); continue
                    }
                }
            }
            let skip = c == blank ? 1 : 0
            let f2 = cls(pos + skip)
            if f2 & Self.letter != 0 {
                pos += skip
                while cls(pos) & Self.letter != 0 { pos += 1 }
                emit(pos, &out); continue
            }
            if f2 & Self.number != 0 {
                pos += skip
                while cls(pos) & Self.number != 0 { pos += 1 }
                emit(pos, &out); continue
            }
            let wordLike = Self.space | Self.letter | Self.number
            if f2 != 0, f2 & wordLike == 0 {
                pos += skip
                while cls(pos) != 0, cls(pos) & wordLike == 0 { pos += 1 }
                emit(pos, &out); continue
            }
            var spaces = 0
            while cls(pos + spaces) & Self.space != 0 { spaces += 1 }
            if spaces > 1, pos + spaces < end {  // \s+(?!\S): leave the last space to the next word
                pos += spaces - 1; emit(pos, &out); continue
            }
            if spaces > 0 {
                pos += spaces; emit(pos, &out); continue
            }
            pos += 1; emit(pos, &out)
        }
    }

    // MARK: Llama 3 / Qwen 2

    private mutating func llama3(maxDigits: Int, marksAreLetters: Bool, _ out: inout [Int32]) {
        let apostrophe: UInt32 = 0x27, blank: UInt32 = 0x20, cr: UInt32 = 0x0D, lf: UInt32 = 0x0A
        let letterLike = marksAreLetters ? Self.letter | Self.mark : Self.letter
        let wordLike = Self.space | Self.number | letterLike
        var pos = start
        while pos < end {
            let c = cps[pos]
            let f = classes[pos]
            if c == apostrophe, pos + 1 < end {  // case-insensitive contractions
                let n = cps[pos + 1] | 0x20
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 {
                    pos += 2; emit(pos, &out); continue
                }
                if pos + 2 < end {
                    let nn = cps[pos + 2] | 0x20
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                        pos += 3; emit(pos, &out); continue
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == cr || c == lf || f & Self.number != 0) {
                if f & letterLike != 0 || cls(pos + 1) & letterLike != 0 {
                    pos += 1
                    while cls(pos) & letterLike != 0 { pos += 1 }
                    emit(pos, &out); continue
                }
            }
            // \p{N}{1,maxDigits}
            if f & Self.number != 0 {
                var groupStart = pos
                while cls(pos) & Self.number != 0 {
                    pos += 1
                    if pos - groupStart >= maxDigits {
                        emit(pos, &out)
                        groupStart = pos
                    }
                }
                emit(pos, &out); continue
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            let f2 = c == blank ? cls(pos + 1) : f
            if f2 & wordLike == 0 {
                if c == blank { pos += 1 }
                while cls(pos) != 0, cls(pos) & wordLike == 0 { pos += 1 }
                while let x = cp(pos), x == cr || x == lf { pos += 1 }
                emit(pos, &out); continue
            }
            var spaces = 0
            var afterLastNewline = 0
            while cls(pos + spaces) & Self.space != 0 {
                let x = cps[pos + spaces]
                if x == cr || x == lf { afterLastNewline = pos + spaces + 1 }
                spaces += 1
            }
            if afterLastNewline > 0 {  // \s*[\r\n]+
                pos = afterLastNewline; emit(pos, &out); continue
            }
            if spaces > 1, pos + spaces < end {  // \s+(?!\S)
                pos += spaces - 1; emit(pos, &out); continue
            }
            if spaces > 0 {
                pos += spaces; emit(pos, &out); continue
            }
            pos += 1; emit(pos, &out)
        }
    }

    // MARK: Regex split (llama.cpp's std::regex path)

    /// Every leftmost match becomes a piece, and so does each stretch between matches.
    private mutating func regexSplit(_ pattern: Pattern, _ out: inout [Int32]) {
        if case .trailingSpaces = pattern {  // one possible match: the run that ends the piece
            var runStart = end
            while runStart > start, classes[runStart - 1] & Self.space != 0 { runStart -= 1 }
            emit(runStart, &out)
            emit(end, &out)
            return
        }
        var pos = start
        while pos < end {
            if let matchEnd = match(pattern, at: pos) {
                emit(pos, &out)  // the unmatched text before this match
                emit(matchEnd, &out)
                pos = matchEnd
            } else {
                pos += 1
            }
        }
        emit(end, &out)
    }

    private func match(_ pattern: Pattern, at pos: Int) -> Int? {
        switch pattern {
        case .one(let set):
            return set.contains(cps[pos], classes[pos]) ? pos + 1 : nil
        case .run(let set):
            var i = pos
            while i < end, set.contains(cps[i], classes[i]) { i += 1 }
            return i > pos ? i : nil
        case .optionalSpaceThenRun(let set):
            var i = pos
            if classes[i] & Self.space != 0, i + 1 < end, set.contains(cps[i + 1], classes[i + 1]) { i += 1 }
            let runStart = i
            while i < end, set.contains(cps[i], classes[i]) { i += 1 }
            return i > runStart ? i : nil
        case .trailingSpaces:
            return nil  // handled in regexSplit
        case .threeASCIIDigits:
            guard pos + 3 <= end else { return nil }
            for i in pos..<pos + 3 where !(0x30...0x39).contains(cps[i]) { return nil }
            return pos + 3
        }
    }
}
