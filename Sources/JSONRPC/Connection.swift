import Foundation
import LSPProtocol

/// Where outgoing messages go: the stdio connection, or an in-process test client.
public protocol MessageSink: Sendable {
    func send(_ message: Message)
}

/// JSON-RPC over a pair of file descriptors (stdin/stdout for `infill lsp`). A reader thread
/// decodes frames and hands each valid message to `handler` in arrival order; bytes that are no
/// frame are logged once per run (sizes and offsets, never content) and skipped, frames that are
/// no message are answered with an error, and reading goes on. Writes are serialized by a lock so frames never interleave.
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

    /// Parses one frame body. Bad JSON is answered with a Parse Error and a bad shape with an
    /// Invalid Request, addressed to the message's id when it has a readable one, else to null
    /// (JSON-RPC 2.0 §5.1): never to an id guessed from unparsed text, which may belong to another
    /// request still running.
    public func deliver(_ body: [UInt8], handler: @Sendable (Message) -> Void) {
        do {
            handler(try Message(body: body))
        } catch {
            let id = error.data.flatMap(RequestID.init(json:))
            log("\(error.message) (a \(body.count)-byte message, request id \(id.map { "\($0)" } ?? "unknown"))")
            var answer = error
            answer.data = nil
            send(.errorResponse(id: id, error: answer))
        }
    }
}
