/// Turns generated tokens into text as they arrive without ever emitting broken UTF-8: bytes of
/// a character split across tokens are held back until the character is complete.
///
/// It decodes a continuation, so unlike `Tokenizer.decode` it never strips a leading space.
/// Control tokens produce no text.
public struct StreamingDecoder: Sendable {
    public let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// Adds a token; returns the text that became complete (possibly empty).
    public mutating func append(_ token: Int32) -> String {
        tokenizer.appendPiece(token, renderSpecial: false, to: &pending)
        let hold = UTF8Text.incompleteSuffixLength(pending)
        if pending.count == hold { return "" }
        let text = String(decoding: pending[..<(pending.count - hold)], as: UTF8.self)
        pending.removeFirst(pending.count - hold)
        return text
    }

    /// Returns whatever is held back (an unfinished character becomes U+FFFD) and resets.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Bytes held back waiting for the rest of a character.
    public var pendingByteCount: Int { pending.count }
}
