import Foundation
import LSPProtocol

/// Where outgoing messages go: the stdio connection, or an in-process test client.
public protocol MessageSink: Sendable {
    func send(_ message: Message)
}

/// JSON-RPC over a pair of file descriptors (stdin/stdout for `infill lsp`). A reader thread
/// decodes frames and hands each valid message to `handler` in arrival order; frames that cannot
/// be decoded are logged and, where a request id can be found, answered with an error, and
/// reading goes on. Writes are serialized by a lock so frames never interleave.
public final class StdioConnection: MessageSink, @unchecked Sendable {
    private let inputFD: Int32
    private let outputFD: Int32
    private let maxMessageBytes: Int
    private let writeLock = NSLock()
    private let log: @Sendable (String) -> Void

    public init(inputFD: Int32, outputFD: Int32, maxMessageBytes: Int = 64 << 20,
                log: @escaping @Sendable (String) -> Void) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.maxMessageBytes = maxMessageBytes
        self.log = log
    }

    /// Keeps the real stdout for protocol frames and points fd 1 at stderr, so a stray `print`
    /// from any module lands in the log instead of corrupting the stream. Returns the frame fd.
    public static func takeOverStdout() -> Int32 {
        fflush(nil)
        let frames = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        return frames
    }

    public func send(_ message: Message) {
        let bytes = frame(message.body)
        writeLock.lock()
        defer { writeLock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(outputFD, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                log("could not write to the client (errno \(errno)); message dropped")
                return
            }
            offset += n
        }
    }

    /// Reads until end of input on a dedicated thread, then calls `onClose`.
    public func start(handler: @escaping @Sendable (Message) -> Void, onClose: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            readLoop(handler: handler)
            onClose()
        }
        thread.name = "infill-jsonrpc-reader"
        thread.start()
    }

    private func readLoop(handler: @Sendable (Message) -> Void) {
        var decoder = FrameDecoder(maxContentLength: maxMessageBytes)
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            buffer.write(chunk[0..<n])
            while true {
                let body: [UInt8]
                do {
                    guard let next = try decoder.decode(buffer: &buffer) else { break }
                    body = next
                } catch {
                    log("\(error)")
                    continue
                }
                deliver(body, handler: handler)
            }
        }
    }

    /// Parses one frame body; bad JSON or a bad shape is logged and answered when an id is known.
    public func deliver(_ body: [UInt8], handler: @Sendable (Message) -> Void) {
        do {
            handler(try Message(body: body))
        } catch {
            let id = error.data.flatMap(RequestID.init(json:)) ?? salvageRequestID(body)
            log("\(error.message) (request id \(id.map { "\($0)" } ?? "unknown"))")
            if let id {
                var answer = error
                answer.data = nil
                send(.errorResponse(id: id, error: answer))
            }
        }
    }
}
