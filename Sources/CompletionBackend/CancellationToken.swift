import Foundation

/// One job's cancellation: set once, announced to whoever waits (`onCancel`), and asked between
/// tokens and before every layer of the model. A token made `asking` a closure is cancelled once
/// that says so too; such a cancellation is only seen when asked, never announced.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var handlers: [Int: @Sendable () -> Void] = [:]
    private var nextHandler = 0
    private let asking: (@Sendable () -> Bool)?

    public init(asking: (@Sendable () -> Bool)? = nil) { self.asking = asking }

    public var isCancelled: Bool {
        if lock.withLock({ cancelled }) { return true }
        return asking?() ?? false
    }

    public func cancel() {
        let toRun: [@Sendable () -> Void] = lock.withLock {
            guard !cancelled else { return [] }
            cancelled = true
            defer { handlers = [:] }
            return Array(handlers.values)
        }
        for handler in toRun { handler() }
    }

    /// Runs `handler` once on `cancel()` (at once if already cancelled). Returns what `removeHandler`
    /// takes to forget it again, nil when it ran at once.
    @discardableResult
    public func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id: Int? = lock.withLock {
            if cancelled { return nil }
            nextHandler += 1
            handlers[nextHandler] = handler
            return nextHandler
        }
        if id == nil { handler() }
        return id
    }

    public func removeHandler(_ id: Int?) {
        guard let id else { return }
        _ = lock.withLock { handlers.removeValue(forKey: id) }
    }
}

/// A value behind a lock, for the state the worker and the requests share.
final class Guarded<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    @discardableResult
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
