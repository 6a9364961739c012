// The part of a document around the cursor that can reach a prompt, found in its bytes before
// anything is tokenized, so a prompt costs time in proportion to its budget, not to the document.

/// A request's prefix and suffix cut to `maxBytes` bytes each side of the cursor line and within it:
/// whole lines, except a cursor line longer than that, which is cut inside.
///
/// Text of `budget × TokenVocabulary.maxBytesPerToken` bytes holds more than `budget` tokens, so a
/// line that does not lie wholly in the window could not have joined the lines nearer the cursor
/// within the budget: cutting lines from the window gives the prompt that cutting them from the
/// whole document gives. Line counts (`PromptWindow`) stay counted from the document's ends.
struct DocumentWindow {
    /// Whole lines before the cursor line, each with its "\n".
    let body: String
    /// Lines of the document before `body`.
    let linesBeforeBody: Int
    /// The cursor line's text left of the cursor (its last `maxLineBytes` bytes at most).
    let cursorLine: String
    /// Bytes of the cursor line's text left of the cursor that `cursorLine` leaves out.
    let cursorLineBytesBefore: Int
    /// The head of the suffix: whole lines, or the first `maxLineBytes` bytes of a longer first line.
    let suffix: String
    /// `suffix` ends inside the first line (the rest of the cursor line is longer than `maxBytes`).
    let suffixEndsInFirstLine: Bool
    /// Line breaks in the document's suffix after `suffix`, its length, and whether it ends without one.
    private let breaksAfterSuffix: Int
    private let suffixBytes: Int
    private let suffixEndsWithoutBreak: Bool

    /// `maxBytes` nil: the whole document. `maxLineBytes` (default `maxBytes`) bounds the cursor line's
    /// text on each side of the cursor.
    init(prefix: String, suffix: String, maxBytes: Int?, maxLineBytes: Int? = nil) {
        let limit = max(0, maxBytes ?? Int.max)
        let lineLimit = max(0, maxLineBytes ?? limit)
        var prefix = prefix, suffix = suffix
        var body = "", cursorLine = "", linesBefore = 0, bytesBefore = 0
        prefix.withUTF8 { bytes in
            let n = bytes.count
            let lineStart = (Self.lastBreak(in: bytes, before: n) ?? -1) + 1
            var start = lineStart
            if n - lineStart > lineLimit { start = Self.scalarStart(atOrAfter: n - lineLimit, in: bytes) }
            bytesBefore = start - lineStart
            cursorLine = Self.string(bytes, start..<n)
            // The window's first line starts at or after `lineStart - limit`: past the first break at
            // or after the byte before that.
            var bodyStart = 0
            if lineStart > limit, let b = Self.firstBreak(in: bytes, from: lineStart - limit - 1) { bodyStart = b + 1 }
            body = Self.string(bytes, bodyStart..<lineStart)
            linesBefore = Self.breaks(in: bytes, 0..<bodyStart)
        }
        var head = "", endsInFirstLine = false, breaksAfter = 0, endsWithoutBreak = false, suffixBytes = 0
        suffix.withUTF8 { bytes in
            let n = bytes.count
            let firstLineEnd = Self.firstBreak(in: bytes, from: 0).map { $0 + 1 } ?? n
            var end = n
            if firstLineEnd > min(limit, lineLimit) {
                end = Self.scalarStart(atOrBefore: min(limit, lineLimit), in: bytes)
                endsInFirstLine = end < n
            } else if n > limit {
                end = (Self.lastBreak(in: bytes, before: limit) ?? -1) + 1
            }
            head = Self.string(bytes, 0..<end)
            breaksAfter = Self.breaks(in: bytes, end..<n)
            endsWithoutBreak = n > 0 && bytes[n - 1] != Self.newline
            suffixBytes = n
        }
        self.body = body
        self.linesBeforeBody = linesBefore
        self.cursorLine = cursorLine
        self.cursorLineBytesBefore = bytesBefore
        self.suffix = head
        self.suffixEndsInFirstLine = endsInFirstLine
        self.breaksAfterSuffix = breaksAfter
        self.suffixBytes = suffixBytes
        self.suffixEndsWithoutBreak = endsWithoutBreak
    }

    /// Lines of the document's suffix after its first `keptBytes` bytes (at most `suffix`'s), counted
    /// as `LineSlicing.linesAfter` counts them in the whole suffix.
    func linesAfter(keptBytes: Int) -> Int {
        let breaksInWindow = suffix.utf8.dropFirst(keptBytes).reduce(0) { $0 + ($1 == Self.newline ? 1 : 0) }
        return breaksInWindow + breaksAfterSuffix + (keptBytes < suffixBytes && suffixEndsWithoutBreak ? 1 : 0)
    }

    /// The head of `text` in whole lines that `maxBytes` bytes hold (all of it when it is shorter):
    /// lines past it cannot fit a budget of `maxBytes / maxBytesPerToken` tokens.
    static func wholeLines(of text: String, maxBytes: Int?) -> String {
        guard let maxBytes, text.utf8.count > maxBytes else { return text }
        var text = text
        return text.withUTF8 { string($0, 0..<((lastBreak(in: $0, before: max(0, maxBytes)) ?? -1) + 1)) }
    }

    // MARK: Bytes

    private static let newline = UInt8(ascii: "\n")

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The last "\n" before `end`.
    private static func lastBreak(in bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int? {
        var i = end - 1
        while i >= 0 {
            if bytes[i] == newline { return i }
            i -= 1
        }
        return nil
    }

    /// The first "\n" at or after `start`.
    private static func firstBreak(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = max(0, start)
        while i < bytes.count {
            if bytes[i] == newline { return i }
            i += 1
        }
        return nil
    }

    private static func breaks(in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        for i in range where bytes[i] == newline { count += 1 }
        return count
    }

    /// Continuation bytes (10xxxxxx) never start a character.
    private static func scalarStart(atOrAfter i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = max(0, i)
        while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
        return i
    }

    private static func scalarStart(atOrBefore i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = min(i, bytes.count)
        while i > 0, i < bytes.count, bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }
}
