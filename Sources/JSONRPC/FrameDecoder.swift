/// Splits a byte stream into LSP frames: `Content-Length: N\r\n` (other headers allowed and
/// ignored), an empty line, then N bytes of JSON. A value type fed from the front of a buffer;
/// call `decode(buffer:)` until it returns nil, then read more bytes.
///
/// Bad input does not stop the stream: a malformed header block is dropped up to its blank line,
/// and a body larger than `maxContentLength` is skipped as it arrives (never buffered whole). Both
/// throw `FrameError` once so the caller can log and answer, then decoding goes on.
public struct FrameDecoder: Sendable {
    public var maxContentLength: Int
    public var maxHeaderLength: Int
    private var state: State = .header
    private enum State: Sendable, Equatable {
        case header
        case body(length: Int)
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
            case .skipping(let remaining):
                let n = min(remaining, buffer.readableBytes)
                buffer.skip(n)
                if n < remaining {
                    state = .skipping(remaining: remaining - n)
                    return nil
                }
                state = .header
            case .body(let length):
                guard buffer.readableBytes >= length else { return nil }
                state = .header
                return buffer.read(length)
            case .header:
                guard let (headerLength, terminatorLength) = Self.findHeaderEnd(buffer.readableView) else {
                    if buffer.readableBytes > maxHeaderLength {
                        // No blank line in sight: drop what we have, keeping a tail that may hold the
                        // start of a terminator or of the next header.
                        let dropped = buffer.readableBytes - 3
                        buffer.skip(dropped)
                        throw .headerTooLong(limit: maxHeaderLength)
                    }
                    return nil
                }
                let header = Array(buffer.readableView.prefix(headerLength))
                buffer.skip(headerLength + terminatorLength)
                let length = try Self.contentLength(header)
                if length > maxContentLength {
                    state = .skipping(remaining: length)
                    throw .contentTooLong(length: length, limit: maxContentLength)
                }
                state = .body(length: length)
            }
        }
    }

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

    static func contentLength(_ header: [UInt8]) throws(FrameError) -> Int {
        let text = String(decoding: header, as: UTF8.self)
        var length: Int?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            guard let colon = rawLine.firstIndex(of: ":") else {
                throw .malformedHeader("header line without a colon: \(rawLine.prefix(80))")
            }
            let name = rawLine[..<colon].trimmingSpaces().lowercased()
            let value = rawLine[rawLine.index(after: colon)...].trimmingSpaces()
            if name == "content-length" {
                guard let n = Int(value), n >= 0 else {
                    throw .malformedHeader("Content-Length is not a non-negative integer: \(value.prefix(40))")
                }
                length = n
            }
        }
        guard let length else { throw .malformedHeader("no Content-Length header in: \(text.prefix(80))") }
        return length
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    case malformedHeader(String)
    case headerTooLong(limit: Int)
    case contentTooLong(length: Int, limit: Int)

    public var description: String {
        switch self {
        case .malformedHeader(let why): return "malformed message header: \(why); skipped it"
        case .headerTooLong(let limit):
            return "no blank line ending the message header within \(limit) bytes; skipped the bytes"
        case .contentTooLong(let length, let limit):
            return "message of \(length) bytes is over the \(limit)-byte limit (maxMessageBytes); skipped it"
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

/// Frames a message body for the wire.
public func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
}
