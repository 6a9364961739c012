import Foundation

/// Set once when a request should stop: the client cancelled it, a newer request for the same
/// document superseded it, or the server is shutting down. The engine polls it between tokens;
/// waiters register a handler to be woken.
public final class CancellationFlag: @unchecked Sendable {
    public enum Reason: Sendable, Equatable {
        /// `$/cancelRequest`: answered with RequestCancelled.
        case cancelledByClient
        /// A newer completion request for the same document: answered with null.
        case superseded
    }

    private let lock = NSLock()
    private var reason: Reason?
    private var handlers: [@Sendable () -> Void] = []

    public init() {}

    public var isCancelled: Bool { lock.withLock { reason != nil } }
    public var cancellationReason: Reason? { lock.withLock { reason } }

    public func cancel(_ why: Reason) {
        let toRun: [@Sendable () -> Void] = lock.withLock {
            guard reason == nil else { return [] }
            reason = why
            defer { handlers = [] }
            return handlers
        }
        for handler in toRun { handler() }
    }

    /// Runs `handler` on cancellation (at once if already cancelled).
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow: Bool = lock.withLock {
            if reason != nil { return true }
            handlers.append(handler)
            return false
        }
        if runNow { handler() }
    }
}
