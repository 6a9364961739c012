import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request over a plain TCP socket (`Connection: close`), its answer read as it comes:
/// enough for llama-server on a trusted network, with no dependency. Blocking, for the generator's
/// own thread; reads wake every `pollInterval` to ask `interrupt`, and closing the socket (on an
/// interrupt, a stop decision or `close()`) is what tells the server to stop generating.
final class HTTPExchange {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private(set) var status = 0
    private let fd: Int32
    private var buffered: [UInt8]
    private var chunked = false
    /// Body bytes left: of the whole body (`Content-Length`) or of the current chunk; nil: until close.
    private var remaining: Int?
    private var finished = false
    private let interrupt: (() -> Bool)?
    private let silenceLimit: Duration

    static let pollInterval = 50  // milliseconds

    /// Connects to `url`'s host and port, sends the request and reads the status line and headers.
    /// `silenceLimit`: how long the server may send nothing before the exchange fails.
    init(_ method: String, _ url: URL, path: String, body: Data? = nil, interrupt: (() -> Bool)? = nil,
         silenceLimit: Duration = .seconds(300)) throws {
        guard let host = url.host, url.scheme == "http" else {
            throw Failure("\(url) is not an http:// URL with a host")
        }
        let port = url.port ?? 80
        self.interrupt = interrupt
        self.silenceLimit = silenceLimit
        fd = try Self.connect(host: host, port: port)
        buffered = []
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nAccept: */*\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        do {
            try Self.send(fd, Array(head.utf8) + (body.map { [UInt8]($0) } ?? []))
        } catch {
            Glibc.close(fd)
            throw error
        }
        do {
            try readHead()
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { close() }

    private var closed = false

    /// Closes the connection (the server sees the client gone and stops generating).
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    // MARK: Reading

    private func readHead() throws {
        var headEnd: Int?
        while headEnd == nil {
            guard try fill() else { throw Failure("the connection closed before an HTTP answer came") }
            headEnd = Self.find([13, 10, 13, 10], in: buffered)
        }
        let head = String(decoding: buffered[..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + 4)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let code = Int(statusParts[1]) else {
            throw Failure("not an HTTP answer: \(lines[0].prefix(80))")
        }
        status = code
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
            if name == "content-length", let n = Int(value), n >= 0 { remaining = n }
        }
        if chunked { remaining = 0 }
    }

    /// The next bytes of the body; nil at its end.
    func readBody() throws -> [UInt8]? {
        guard !finished else { return nil }
        if chunked {
            if remaining == 0 {
                // The size line of the next chunk (after the CRLF that ends the previous one).
                var lineEnd: Int?
                while true {
                    if buffered.starts(with: [13, 10]) { buffered.removeFirst(2) }
                    lineEnd = Self.find([13, 10], in: buffered)
                    if lineEnd != nil { break }
                    guard try fill() else { throw Failure("the server closed the connection mid-answer") }
                }
                let sizeText = String(decoding: buffered[..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                buffered.removeFirst(lineEnd! + 2)
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                    throw Failure("malformed chunk size \(sizeText.prefix(20))")
                }
                if size == 0 { finished = true; return nil }
                remaining = size
            }
            if buffered.isEmpty, !(try fill()) { throw Failure("the server closed the connection mid-answer") }
            let n = min(remaining!, buffered.count)
            let out = Array(buffered[..<n])
            buffered.removeFirst(n)
            remaining! -= n
            return out
        }
        if let left = remaining, left == 0 { finished = true; return nil }
        if buffered.isEmpty, !(try fill()) {
            finished = true
            if remaining != nil { throw Failure("the server closed the connection mid-answer") }
            return nil
        }
        let n = min(remaining ?? buffered.count, buffered.count)
        let out = Array(buffered[..<n])
        buffered.removeFirst(n)
        if remaining != nil { remaining! -= n }
        return out
    }

    /// The whole body (short answers: JSON).
    func readAll(limit: Int = 64 << 20) throws -> [UInt8] {
        var body: [UInt8] = []
        while let bytes = try readBody() {
            body += bytes
            if body.count > limit { throw Failure("answer larger than \(limit) bytes") }
        }
        return body
    }

    /// Reads more into `buffered`; false when the peer closed. Throws `CancellationError` once
    /// `interrupt` says so.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        let silentSince = ContinuousClock.now
        while true {
            if interrupt?() == true { throw CancellationError() }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(Self.pollInterval))
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure("poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 {
                if ContinuousClock.now - silentSince > silenceLimit {
                    throw Failure("no answer for \(silenceLimit)")
                }
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffered += chunk[..<n]
                return true
            }
            if n == 0 { return false }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { return false }
            throw Failure("read failed: \(String(cString: strerror(errno)))")
        }
    }

    // MARK: Connecting and sending

    private static func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(fd)
        }
        throw Failure("cannot connect to \(host):\(port): \(lastError)")
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("sending the request failed: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
