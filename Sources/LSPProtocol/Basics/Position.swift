/// A zero-based line and character offset; the unit of `character` is the negotiated position
/// encoding (UTF-8 bytes, UTF-16 code units or scalars).
public struct Position: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public static func < (a: Position, b: Position) -> Bool {
        (a.line, a.character) < (b.line, b.character)
    }

    public var description: String { "\(line):\(character)" }
}

public struct Range: Codable, Hashable, Sendable, CustomStringConvertible {
    public var start: Position
    public var end: Position

    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    public init(_ position: Position) { self.init(start: position, end: position) }

    public var description: String { "\(start)-\(end)" }
}

public enum PositionEncodingKind: String, Codable, Hashable, Sendable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case utf32 = "utf-32"
}
