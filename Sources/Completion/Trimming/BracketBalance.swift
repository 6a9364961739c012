// A rough bracket matcher over the whole document, used to decide whether a bracket the middle
// shares with the suffix is a duplicate (removing it balances the document) or the middle's own.
// Strings and line comments are skipped approximately; an unclosed quote ends at the line's end,
// so stray apostrophes in comments cost one line, not the file. Errors that sit outside the middle
// count the same for every candidate edit, so only the differences matter.

struct BracketBalance {
    private var stack: [UInt8] = []
    private var quote: UInt8? = nil
    private var escaped = false
    private var inLineComment = false
    private var previous: UInt8 = 0
    /// Closers with no matching opener, plus quotes left open at a line end.
    private(set) var errors = 0

    /// Errors so far plus brackets still open: lower means better balanced.
    var score: Int { errors + stack.count + (quote == nil ? 0 : 1) }

    mutating func feed(_ text: some StringProtocol) {
        for byte in text.utf8 { feed(byte) }
    }

    private mutating func feed(_ byte: UInt8) {
        defer { previous = byte }
        if inLineComment {
            if byte == UInt8(ascii: "\n") { inLineComment = false }
            return
        }
        if let open = quote {
            if escaped { escaped = false; return }
            if byte == UInt8(ascii: "\\") { escaped = true; return }
            if byte == open { quote = nil; return }
            if byte == UInt8(ascii: "\n"), open != UInt8(ascii: "`") { quote = nil; errors += 1 }
            return
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            quote = byte
        case UInt8(ascii: "#"):
            inLineComment = true
        case UInt8(ascii: "/") where previous == UInt8(ascii: "/"):
            inLineComment = true
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            stack.append(byte)
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            let opener: UInt8 = byte == UInt8(ascii: ")") ? UInt8(ascii: "(")
                : byte == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
            if stack.last == opener { stack.removeLast() } else { errors += 1 }
        default:
            break
        }
    }

    /// Score of `prefix + middle + suffix` given the state after `prefix`.
    static func score(after prefixState: BracketBalance, middle: some StringProtocol, suffix: some StringProtocol) -> Int {
        var state = prefixState
        state.feed(middle)
        state.feed(suffix)
        return state.score
    }
}
