/// Splits a `text/event-stream` body, fed in pieces of any size, into events. llama-server writes
/// `data: {json}` per token and `error: {json}` when a request fails mid-stream; an event ends at a
/// blank line. Fields other than these two, comments and `\r` line ends are tolerated.
struct ServerSentEvents {
    enum Event: Equatable {
        case data(String)
        case error(String)
    }

    private var line: [UInt8] = []
    private var data: [String] = []
    private var error: [String] = []

    /// Longest line kept; longer is a malformed stream, not a token.
    static let lineLimit = 1 << 20

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The events `bytes` completes.
    mutating func append(_ bytes: some Sequence<UInt8>) throws -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            guard byte == 10 else {
                line.append(byte)
                if line.count > Self.lineLimit { throw Malformed(description: "an event line longer than \(Self.lineLimit) bytes") }
                continue
            }
            if line.last == 13 { line.removeLast() }
            defer { line.removeAll(keepingCapacity: true) }
            if line.isEmpty {
                if !error.isEmpty { events.append(.error(error.joined(separator: "\n"))) }
                else if !data.isEmpty { events.append(.data(data.joined(separator: "\n"))) }
                data = []
                error = []
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }  // a comment
            let (field, value) = Self.field(text)
            switch field {
            case "data": data.append(value)
            case "error": error.append(value)
            default: continue
            }
        }
        return events
    }

    private static func field(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}
