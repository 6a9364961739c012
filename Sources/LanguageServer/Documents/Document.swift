import LSPProtocol

/// One open document: its UTF-8 bytes and where each line starts. Positions arrive in the
/// negotiated encoding and are turned into byte offsets here, clamped the way the spec says: a
/// line past the end means the end of the document, a character past the line's end means the
/// line's end (before its line break), and a character inside a multi-unit character rounds down
/// to its start. Line breaks are LF, CRLF and lone CR.
public struct Document: Sendable, Equatable {
    public let uri: DocumentURI
    public var languageId: String
    public var version: Int
    public private(set) var bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts[0] == 0`, always at least one line.
    public private(set) var lineStarts: [Int]

    public init(uri: DocumentURI, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.bytes = Array(text.utf8)
        self.lineStarts = Document.computeLineStarts(bytes)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var lineCount: Int { lineStarts.count }

    /// The bytes of `line` without its line break.
    public func lineContent(_ line: Int) -> ArraySlice<UInt8> {
        let start = lineStarts[line]
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        if end > start, bytes[end - 1] == 10 { end -= 1 }
        if end > start, bytes[end - 1] == 13 { end -= 1 }
        return bytes[start..<end]
    }

    public func lineText(_ line: Int) -> String { String(decoding: lineContent(line), as: UTF8.self) }

    /// The byte offset of `position`, clamped.
    public func offset(of position: Position, encoding: PositionEncodingKind) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < lineStarts.count else { return bytes.count }
        let content = lineContent(position.line)
        var remaining = max(0, position.character)
        var i = content.startIndex
        while i < content.endIndex && remaining > 0 {
            let width = Document.scalarWidth(lead: content[i])
            let units: Int
            switch encoding {
            case .utf8: units = width
            case .utf16: units = width == 4 ? 2 : 1
            case .utf32: units = 1
            }
            if units > remaining { break }  // inside a character: round down to its start
            remaining -= units
            i = min(i + width, content.endIndex)
        }
        return i
    }

    /// The position of a byte offset (which must be on a character boundary).
    public func position(of offset: Int, encoding: PositionEncodingKind) -> Position {
        let offset = min(max(0, offset), bytes.count)
        var line = Document.upperBound(lineStarts, offset) - 1
        // An offset between a CR and its LF belongs to the line the CRLF ends.
        line = max(0, line)
        let start = lineStarts[line]
        let content = lineContent(line)
        let end = min(offset, content.endIndex)
        var character = 0
        var i = start
        while i < end {
            let width = Document.scalarWidth(lead: bytes[i])
            switch encoding {
            case .utf8: character += width
            case .utf16: character += width == 4 ? 2 : 1
            case .utf32: character += 1
            }
            i += width
        }
        return Position(line: line, character: character)
    }

    /// Applies one `didChange` content change (full when it has no range).
    public mutating func apply(_ change: TextDocumentContentChangeEvent, encoding: PositionEncodingKind) {
        let newBytes = Array(change.text.utf8)
        guard let range = change.range else {
            bytes = newBytes
            lineStarts = Document.computeLineStarts(bytes)
            return
        }
        var start = offset(of: range.start, encoding: encoding)
        var end = offset(of: range.end, encoding: encoding)
        if end < start { swap(&start, &end) }
        bytes.replaceSubrange(start..<end, with: newBytes)
        // Only lines from the edit on move; a CR just before the edit may now pair with an LF,
        // so recompute from the line before.
        let firstLine = max(0, Document.upperBound(lineStarts, start) - 2)
        let from = lineStarts[firstLine]
        lineStarts.removeSubrange((firstLine + 1)...)
        lineStarts.append(contentsOf: Document.computeLineStarts(bytes, from: from).dropFirst())
    }

    /// The dominant line ending, for text the server inserts.
    public var lineEnding: String {
        var lf = 0, crlf = 0, cr = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 13 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { crlf += 1; i += 1 } else { cr += 1 }
            } else if bytes[i] == 10 { lf += 1 }
            i += 1
        }
        if crlf > lf && crlf >= cr { return "\r\n" }
        if cr > lf && cr > crlf { return "\r" }
        return "\n"
    }

    static func computeLineStarts(_ bytes: [UInt8], from: Int = 0) -> [Int] {
        var starts = [from]
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            if b == 10 {
                starts.append(i + 1)
            } else if b == 13 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        return starts
    }

    static func scalarWidth(lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        case 0xF0...: return 4
        default: return 1  // continuation byte: cannot start a scalar in valid UTF-8; step over it
        }
    }

    /// First index whose element is greater than `value`.
    static func upperBound(_ array: [Int], _ value: Int) -> Int {
        var low = 0, high = array.count
        while low < high {
            let mid = (low + high) / 2
            if array[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
