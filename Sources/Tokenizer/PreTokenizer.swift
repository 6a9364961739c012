/// Splits text into the words that byte-level BPE merges within, as llama.cpp does for each
/// `tokenizer.ggml.pre`: a sequence of rules, each refining every piece the previous rules left.
/// Hand-written scanners replace the regexes; their semantics follow llama.cpp exactly, including
/// its std::regex fallback (a match becomes a piece and so does the text between matches).
struct PreTokenizer: Sendable {
    let name: String
    let rules: [SplitRule]
    /// llama.cpp's `ignore_merges`: a word that is itself a vocabulary token is taken whole.
    let ignoresMerges: Bool
    /// The `pre` families whose llama.cpp defaults add a BOS token.
    let addsBOSByDefault: Bool
    /// The `pre` families whose llama.cpp defaults have no BOS token.
    let hasNoBOS: Bool

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value; nil if unsupported.
    init?(pre: String?) {
        let name = pre ?? "default"
        self.name = name
        var ignoresMerges = false, addsBOS = false, noBOS = false
        switch name {
        case "default":
            rules = [
                .match(.run(CharacterSet(classes: .punctuation, extra: "$+<=>^~|"))),
                .gpt2,
                .match(.run(CharacterSet(classes: .number))),
                .match(.threeASCIIDigits),
            ]
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano":
            rules = [.llama3(maxDigits: 3, marksAreLetters: false)]
            ignoresMerges = true
            addsBOS = true
        case "dbrx", "smaug-bpe":
            rules = [.llama3(maxDigits: 3, marksAreLetters: false)]
        case "chatglm-bpe":
            rules = [.llama3(maxDigits: 3, marksAreLetters: false)]
            noBOS = true
        case "glm4", "glm5":
            rules = [.llama3(maxDigits: 3, marksAreLetters: false)]
            ignoresMerges = true
            noBOS = true
        case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open", "grok-2":
            rules = [.llama3(maxDigits: 1, marksAreLetters: false)]
        case "qwen35":
            rules = [.llama3(maxDigits: 1, marksAreLetters: true)]
        case "deepseek-coder":
            rules = [
                .match(.one(CharacterSet(extra: "\r\n"))),
                .match(.optionalSpaceThenRun(CharacterSet(classes: .letter))),
                .match(.optionalSpaceThenRun(CharacterSet(classes: .punctuation))),
                .match(.run(CharacterSet(wideRanges: [0x4E00...0x9FA5, 0x0800...0x4E00, 0xAC00...0xD7FF]))),
                .match(.one(CharacterSet(classes: .number))),
            ]
        case "deepseek-llm":
            rules = [
                .match(.one(CharacterSet(extra: "\r\n"))),
                .match(.optionalSpaceThenRun(CharacterSet(wideRanges: Self.deepseekLetters))),
                .match(.optionalSpaceThenRun(CharacterSet(wideRanges: Self.deepseekPunctuation))),
                .match(.trailingSpaces),
                .match(.run(CharacterSet(wideRanges: [0x4E00...0x9FA5, 0x0800...0x4E00, 0xAC00...0xD7FF]))),
                .match(.run(CharacterSet(classes: .number))),
            ]
        case "falcon":
            rules = [
                .match(.run(CharacterSet(classes: .punctuation, extra: "$+<=>^~|`"))),
                .gpt2,
                .match(.threeASCIIDigits),
            ]
        case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2":
            rules = [.match(.one(CharacterSet(classes: .number))), .gpt2]
        case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
             "modern-bert", "mpt", "olmo", "jais", "trillion", "granite-docling", "exaone4", "jina-v1-en",
             "jina-v2-code", "roberta-bpe":
            rules = [.gpt2]
        default:
            return nil
        }
        self.ignoresMerges = ignoresMerges
        self.addsBOSByDefault = addsBOS
        self.hasNoBOS = noBOS
    }

    /// The letter class of DeepSeek LLM's pre-tokenizer regex (from its tokenizer.json), as code
    /// point ranges (written as ranges so no editor can normalize the characters).
    static let deepseekLetters: [ClosedRange<UInt32>] = [
        0x41...0x5A, 0x61...0x7A, 0xB5...0xB5, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x1BA, 0x1BC...0x1BF,
        0x1C4...0x293, 0x295...0x2AF, 0x370...0x373, 0x376...0x376, 0x377...0x377, 0x37B...0x37D, 0x37F...0x37F,
        0x386...0x386, 0x388...0x38A, 0x38C...0x38C, 0x38E...0x3A1, 0x3A3...0x3F5, 0x3F7...0x481, 0x48A...0x52F,
        0x531...0x556, 0x10A0...0x10C5, 0x13A0...0x13F5, 0x13F8...0x13FD, 0x1C90...0x1CBA, 0x1CBD...0x1CBF,
        0x1D00...0x1D2B, 0x1D6B...0x1D77, 0x1D79...0x1D9A, 0x1E00...0x1F15, 0x1F18...0x1F1D, 0x1F20...0x1F45,
        0x1F48...0x1F4D, 0x1F50...0x1F57, 0x1F59...0x1F59, 0x1F5B...0x1F5B, 0x1F5D...0x1F5D, 0x1F5F...0x1F7D,
        0x1F80...0x1FB4, 0x1FB6...0x1FBC, 0x1FBE...0x1FBE, 0x1FC2...0x1FC4, 0x1FC6...0x1FCC, 0x1FD0...0x1FD3,
        0x1FD6...0x1FDB, 0x1FE0...0x1FEC, 0x1FF2...0x1FF4, 0x1FF6...0x1FFC, 0x2102...0x2102, 0x2107...0x2107,
        0x210A...0x2113, 0x2115...0x2115, 0x2119...0x211D, 0x2124...0x2124, 0x2126...0x2126, 0x2128...0x2128,
        0x212A...0x212D, 0x212F...0x2134, 0x2139...0x2139, 0x213C...0x213F, 0x2145...0x2149, 0x214E...0x214E,
        0x2183...0x2183, 0x2184...0x2184, 0x2C00...0x2C7B, 0x2C7E...0x2CE4, 0x2CEB...0x2CEE, 0x2CF2...0x2CF2,
        0x2CF3...0x2CF3, 0xA640...0xA66D, 0xA680...0xA69B, 0xA722...0xA76F, 0xA771...0xA787, 0xA78B...0xA78E,
        0xAB70...0xABBF, 0xFB00...0xFB06, 0xFB13...0xFB17, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x10400...0x1044F,
        0x104B0...0x104D3, 0x104D8...0x104FB, 0x10C80...0x10CB2, 0x10CC0...0x10CF2, 0x118A0...0x118DF,
        0x1E900...0x1E943,
    ]
    /// Its punctuation class: [!-/:-~！-／：-～‘-‟　-。]
    static let deepseekPunctuation: [ClosedRange<UInt32>] = [
        0x21...0x2F, 0x3A...0x7E, 0xFF01...0xFF0F, 0xFF1A...0xFF5E, 0x2018...0x201F, 0x3000...0x3002,
    ]

    static let supportedNames = [
        "default", "llama3", "llama-bpe", "qwen2", "qwen35", "deepseek-coder", "deepseek-llm", "falcon", "starcoder", "refact",
        "command-r", "smollm", "gpt-2", "mpt", "olmo", "dbrx", "stablelm2", "(and their llama.cpp aliases)",
    ]

    /// Splits `cps[0..<count]` (with their classes) and returns the end index of every piece.
    func split(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>) -> [Int32] {
        var ends: [Int32] = cps.isEmpty ? [] : [Int32(cps.count)]
        var next: [Int32] = []
        for rule in rules {
            next.removeAll(keepingCapacity: true)
            next.reserveCapacity(ends.count * 2)
            var start = 0
            for end in ends {
                var scanner = PieceScanner(cps: cps, classes: classes, start: start, end: Int(end))
                scanner.run(rule, into: &next)
                start = Int(end)
            }
            swap(&ends, &next)
        }
        return ends
    }
}

/// One pre-tokenizer step.
enum SplitRule: Sendable {
    /// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    case gpt2
    /// Llama 3 / Qwen 2: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,n}|
    /// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+  (Qwen 3.5 counts marks as letters)
    case llama3(maxDigits: Int, marksAreLetters: Bool)
    /// A simple pattern applied with regex-split semantics.
    case match(Pattern)
}

/// The simple regexes llama.cpp runs through std::regex, as matchers.
enum Pattern: Sendable {
    /// `[set]+`
    case run(CharacterSet)
    /// `[set]`
    case one(CharacterSet)
    /// `\s?[set]+`
    case optionalSpaceThenRun(CharacterSet)
    /// `[0-9][0-9][0-9]`
    case threeASCIIDigits
    /// `\s+$`: the white space that ends the piece
    case trailingSpaces
}

/// A regex character class: Unicode classes, plus ASCII characters, plus code point ranges.
struct CharacterSet: Sendable {
    var classes: CodePointClass = []
    /// Bit i set when ASCII code point i is in the set.
    var ascii: (UInt64, UInt64) = (0, 0)
    var ranges: [ClosedRange<UInt32>] = []

    /// Non-ASCII white space reads as U+000B (llama.cpp does this before std::wregex matching),
    /// so e.g. U+3000 never matches a class range that contains it.
    var wideSpaceIsVerticalTab = false

    /// A class of literal code point ranges, matched the way llama.cpp's std::wregex path does.
    init(wideRanges: [ClosedRange<UInt32>]) {
        self.init(ranges: wideRanges)
        wideSpaceIsVerticalTab = true
    }

    init(classes: CodePointClass = [], extra: String = "", ranges: [ClosedRange<UInt32>] = []) {
        self.classes = classes
        for scalar in extra.unicodeScalars where scalar.value < 128 {
            if scalar.value < 64 { ascii.0 |= 1 << UInt64(scalar.value) } else { ascii.1 |= 1 << UInt64(scalar.value - 64) }
        }
        self.ranges = ranges
    }

    @inline(__always)
    func contains(_ cp: UInt32, _ cls: UInt8) -> Bool {
        if cls & classes.rawValue != 0 { return true }
        var cp = cp
        if wideSpaceIsVerticalTab, cp >= 0x80, cls & CodePointClass.whitespace.rawValue != 0 { cp = 0x0B }
        if cp < 64 {
            if ascii.0 >> UInt64(cp) & 1 != 0 { return true }
        } else if cp < 128 {
            if ascii.1 >> UInt64(cp - 64) & 1 != 0 { return true }
        }
        for r in ranges where r.contains(cp) { return true }
        return false
    }
}
