/// Splits a byte stream into LSP frames: `Content-Length: N\r\n` (other headers allowed and
/// ignored), an empty line, then N bytes of JSON. A value type fed from the front of a buffer;
/// call `decode(buffer:)` until it returns nil, then read more bytes.
///
/// Bad input never stops the stream. Every framing error throws one `FrameError` (so the caller
/// logs it once) and decoding resynchronises on the next `Content-Length: <digits><line break>`:
/// that byte pattern cannot occur inside valid JSON (unquoted outside strings, a raw line break
/// inside them), so finding it is proof that a new frame starts there. It is looked for in
/// garbage before a header, in malformed headers, inside bodies (a `Content-Length` that was
/// too large) and inside oversized bodies being skipped, so no wrong length can swallow the
/// frames that follow.
public struct FrameDecoder: Sendable {
    public var maxContentLength: Int
    public var maxHeaderLength: Int
    /// Bytes consumed so far, for error positions (errors name offsets and sizes, never content).
    public private(set) var streamOffset = 0
    private var state: State = .header
    /// How far into the buffer the current body or skip has been searched for a header.
    private var scanned = 0

    private enum State: Sendable, Equatable {
        case header
        /// Bytes that are not a header: dropped until the next header pattern.
        case resynchronising
        case body(length: Int)
        /// A body whose length was wrong: these bytes are handed out as its frame next.
        case cutBody(length: Int)
        case skipping(remaining: Int)
    }

    public init(maxContentLength: Int = 64 << 20, maxHeaderLength: Int = 8192) {
        self.maxContentLength = maxContentLength
        self.maxHeaderLength = maxHeaderLength
    }

    /// Returns the next frame's body, or nil when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws(FrameError) -> [UInt8]? {
        while true {
            switch state {
            case .header:
                try decodeHeader(&buffer)
                if state == .header { return nil }
            case .resynchronising:
                switch HeaderPattern.search(buffer.readableView, from: 0, startsBefore: .max) {
                case .found(let at):
                    consume(&buffer, at)
                    state = .header
                case .notFound(let keepFrom):
                    consume(&buffer, keepFrom)
                    return nil
                }
            case .body(let length):
                switch HeaderPattern.search(buffer.readableView, from: scanned, startsBefore: length) {
                case .found(let at):
                    scanned = 0
                    state = .cutBody(length: at)
                    throw .headerInsideBody(offset: streamOffset, declared: length, actual: at)
                case .notFound(let keepFrom):
                    scanned = keepFrom
                    guard keepFrom == length else { return nil }
                }
                scanned = 0
                state = .header
                return read(&buffer, length)
            case .cutBody(let length):
                state = .header
                return read(&buffer, length)
            case .skipping(let remaining):
                switch HeaderPattern.search(buffer.readableView, from: 0, startsBefore: remaining) {
                case .found(let at):
                    consume(&buffer, at)
                    state = .header
                    throw .headerInsideBody(offset: streamOffset, declared: remaining, actual: 0)
                case .notFound(let keepFrom):
                    consume(&buffer, keepFrom)
                    guard keepFrom == remaining else {
                        state = .skipping(remaining: remaining - keepFrom)
                        return nil
                    }
                    state = .header
                }
            }
        }
    }

    private mutating func decodeHeader(_ buffer: inout ByteBuffer) throws(FrameError) {
        // Blank lines between frames are tolerated silently.
        while let first = buffer.readableView.first, first == 10 || first == 13 { consume(&buffer, 1) }
        let view = buffer.readableView
        if view.isEmpty { return }
        guard Self.startsLikeHeader(view) else {
            state = .resynchronising
            throw .notAHeader(offset: streamOffset)
        }
        guard let (headerLength, terminatorLength) = Self.findHeaderEnd(view) else {
            if view.count > maxHeaderLength {
                state = .resynchronising
                consume(&buffer, 1)
                throw .headerTooLong(offset: streamOffset - 1, limit: maxHeaderLength)
            }
            return
        }
        let length: Int
        do {
            length = try Self.contentLength(view.prefix(headerLength))
        } catch {
            // Look for the next header past this one's first byte.
            state = .resynchronising
            let offset = streamOffset
            consume(&buffer, 1)
            throw error.at(offset)
        }
        consume(&buffer, headerLength + terminatorLength)
        if length > maxContentLength {
            state = .skipping(remaining: length)
            throw .contentTooLong(offset: streamOffset, length: length, limit: maxContentLength)
        }
        state = .body(length: length)
    }

    private mutating func consume(_ buffer: inout ByteBuffer, _ count: Int) {
        buffer.skip(count)
        streamOffset += count
    }

    private mutating func read(_ buffer: inout ByteBuffer, _ count: Int) -> [UInt8] {
        streamOffset += count
        return buffer.read(count)
    }

    /// Whether the first header line read so far is `token:` (RFC 7230 field name), or could
    /// still become one.
    static func startsLikeHeader(_ bytes: ArraySlice<UInt8>) -> Bool {
        for (i, byte) in zip(0..., bytes) {
            if byte == UInt8(ascii: ":") { return i > 0 }
            if !isTokenCharacter(byte) { return false }
        }
        return true
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return tokenSymbols.contains(byte)
        }
    }

    private static let tokenSymbols = Set("!#$%&'*+-.^_`|~".utf8)

    /// The header block ends at the first blank line. `\r\n\r\n` is the spec; a bare `\n\n` is
    /// accepted too, since hand-written test clients send it.
    static func findHeaderEnd(_ bytes: ArraySlice<UInt8>) -> (Int, Int)? {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 10 {  // \n
                if i + 1 < bytes.endIndex, bytes[i + 1] == 10 { return (i - bytes.startIndex, 2) }
                if i + 2 < bytes.endIndex, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                    let start = (i > bytes.startIndex && bytes[i - 1] == 13) ? i - 1 : i
                    return (start - bytes.startIndex, i + 3 - start)
                }
            }
            i += 1
        }
        return nil
    }

    static func contentLength(_ header: ArraySlice<UInt8>) throws(FrameError) -> Int {
        var length: Int?
        for rawLine in header.split(whereSeparator: { $0 == 10 || $0 == 13 }) {
            guard let colon = rawLine.firstIndex(of: UInt8(ascii: ":")),
                  rawLine[..<colon].allSatisfy(isTokenCharacter), colon > rawLine.startIndex
            else { throw .malformedHeader(offset: 0, "a header line is not `Name: value`") }
            let name = String(decoding: rawLine[..<colon], as: UTF8.self).lowercased()
            guard name == "content-length" else { continue }
            let value = rawLine[(colon + 1)...].drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }
            guard !value.isEmpty, value.count <= 18, value.allSatisfy({ (48...57).contains($0) }) else {
                throw .malformedHeader(offset: 0, "Content-Length is not a non-negative integer")
            }
            length = value.reversed().reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let length else { throw .malformedHeader(offset: 0, "no Content-Length header") }
        return length
    }
}

/// `Content-Length:`, optional blanks, 1-18 digits, optional blanks, a line break; any case.
enum HeaderPattern {
    enum Result: Equatable {
        /// A header starts at this index (relative to the slice's start).
        case found(Int)
        /// None: everything before this index can be dropped; the rest may still become one.
        case notFound(keepFrom: Int)
    }
    static let name = Array("content-length:".utf8)

    /// Looks for a header starting at an index in `from..<startsBefore` (relative to the slice);
    /// a match may read past `startsBefore`.
    static func search(_ bytes: ArraySlice<UInt8>, from start: Int, startsBefore limit: Int) -> Result {
        let base = bytes.startIndex
        let end = base + min(bytes.count, limit)
        var i = base + max(0, start)
        while i < end {
            if bytes[i] | 0x20 == name[0] {
                switch match(bytes, at: i) {
                case .yes: return .found(i - base)
                case .needMore: return .notFound(keepFrom: i - base)
                case .no: break
                }
            }
            i += 1
        }
        return .notFound(keepFrom: max(start, end - base))
    }

    private enum Match { case yes, no, needMore }

    private static func match(_ bytes: ArraySlice<UInt8>, at start: Int) -> Match {
        var i = start
        for expected in name {
            guard i < bytes.endIndex else { return .needMore }
            let b = bytes[i]
            let folded = (65...90).contains(b) ? b | 0x20 : b
            if folded != expected { return .no }
            i += 1
        }
        func skipBlanks() { while i < bytes.endIndex, bytes[i] == 32 || bytes[i] == 9 { i += 1 } }
        skipBlanks()
        var digits = 0
        while i < bytes.endIndex, (48...57).contains(bytes[i]) { digits += 1; i += 1 }
        if i == bytes.endIndex { return digits <= 18 ? .needMore : .no }
        guard (1...18).contains(digits) else { return .no }
        skipBlanks()
        guard i < bytes.endIndex else { return .needMore }
        return bytes[i] == 13 || bytes[i] == 10 ? .yes : .no
    }
}

/// What was wrong with the byte stream, where (byte offset in the stream), and what was done.
/// Never carries the client's bytes: they may be document text.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    case notAHeader(offset: Int)
    case malformedHeader(offset: Int, String)
    case headerTooLong(offset: Int, limit: Int)
    case contentTooLong(offset: Int, length: Int, limit: Int)
    /// A header began `actual` bytes into a body that declared `declared` bytes.
    case headerInsideBody(offset: Int, declared: Int, actual: Int)

    func at(_ offset: Int) -> FrameError {
        if case .malformedHeader(_, let why) = self { return .malformedHeader(offset: offset, why) }
        return self
    }

    public var description: String {
        switch self {
        case .notAHeader(let offset):
            return "bytes at stream offset \(offset) are not a message header; skipped to the next Content-Length header"
        case .malformedHeader(let offset, let why):
            return "malformed message header at stream offset \(offset): \(why); skipped to the next Content-Length header"
        case .headerTooLong(let offset, let limit):
            return "no blank line ending the message header at stream offset \(offset) within \(limit) bytes; skipped to the next Content-Length header"
        case .contentTooLong(let offset, let length, let limit):
            return "message of \(length) bytes at stream offset \(offset) is over the \(limit)-byte limit (maxMessageBytes); skipped it"
        case .headerInsideBody(let offset, let declared, let actual):
            return "a message at stream offset \(offset) declared Content-Length \(declared) but the next header began after \(actual) bytes; took those as the message"
        }
    }
}

/// Frames a message body for the wire.
public func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
}
