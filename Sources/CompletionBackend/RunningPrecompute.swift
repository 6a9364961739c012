import Completion
import Foundation

/// A precompute's document, when to answer once a request waits for it, and its end, which that
/// request awaits (`DocumentCompletionCache.Upcoming.precomputing`).
public final class RunningPrecompute: @unchecked Sendable {
    public let uri: String
    /// The document it computes the completion for ("\n" line endings).
    public let prefix: String
    public let suffix: String
    private let lock = NSLock()
    private var answerAt: ContinuousClock.Instant?
    private var ended = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    public init(uri: String, prefix: String, suffix: String) {
        self.uri = uri
        self.prefix = LineEnding.normalized(prefix)
        self.suffix = LineEnding.normalized(suffix)
    }

    /// When to answer with the whole words so far: nobody waits (nil) until a request does.
    public var answerBy: ContinuousClock.Instant? {
        get { lock.withLock { answerAt } }
        set { lock.withLock { answerAt = newValue } }
    }

    /// It stopped, with or without an answer: whoever waits goes on.
    public func end() {
        let toResume: [CheckedContinuation<Void, Never>] = lock.withLock {
            ended = true
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in toResume { waiter.resume() }
    }

    /// Returns once it ended, or once `cancellation` is cancelled (announced: a cancellation only
    /// asked of a closure is seen when it ends).
    public func waitForEnd(unless cancellation: CancellationToken) async {
        let id: Int = lock.withLock { nextWaiter += 1; return nextWaiter }
        let handler = cancellation.onCancel { [weak self] in self?.resume(id) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if ended || cancellation.isCancelled { return true }
                waiters[id] = continuation
                return false
            }
            if now { continuation.resume() }
        }
        cancellation.removeHandler(handler)
    }

    private func resume(_ id: Int) {
        lock.withLock { waiters.removeValue(forKey: id) }?.resume()
    }
}
