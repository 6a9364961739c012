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
                .match(.run(CharacterSet(ranges: [0x4E00...0x9FA5, 0x0800...0x4E00, 0xAC00...0xD7FF]))),
                .match(.one(CharacterSet(classes: .number))),
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

    static let supportedNames = [
        "default", "llama3", "llama-bpe", "qwen2", "qwen35", "deepseek-coder", "falcon", "starcoder", "refact",
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
}

/// A regex character class: Unicode classes, plus ASCII characters, plus code point ranges.
struct CharacterSet: Sendable {
    var classes: CodePointClass = []
    /// Bit i set when ASCII code point i is in the set.
    var ascii: (UInt64, UInt64) = (0, 0)
    var ranges: [ClosedRange<UInt32>] = []

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
        if cp < 64 {
            if ascii.0 >> UInt64(cp) & 1 != 0 { return true }
        } else if cp < 128 {
            if ascii.1 >> UInt64(cp - 64) & 1 != 0 { return true }
        }
        for r in ranges where r.contains(cp) { return true }
        return false
    }
}
