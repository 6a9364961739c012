import Foundation

/// The one thread that uses a generator, and its queue of jobs: requests first, then precomputes, then
/// window growth, then warming opened documents; in order of arrival within each. A job carries its own cancellation; the worker
/// runs every job it was given, and a cancelled one returns at its first check. A thread of its
/// own: the generator blocks while it runs, and Swift's cooperative threads (one per core) must stay
/// free for the server's requests.
final class GeneratorWorker: @unchecked Sendable {
    enum Priority: Int, Comparable {
        case request, precompute, windowGrowth, warm
        static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
        var isIdleWork: Bool { self != .request }
    }

    private struct Job {
        let priority: Priority
        let cancellation: CancellationToken
        let body: @Sendable (any Generator) -> Void
    }

    private let generator: any Generator
    private let condition = NSCondition()
    private var queue: [Job] = []
    /// The job running, while one does.
    private var running: Job?
    private var stopping = false

    init(generator: any Generator) {
        self.generator = generator
        let thread = Thread { [self] in work() }
        thread.name = "infill generator"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Ends the thread once the jobs queued have run.
    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    /// Queues `body` to run on the worker's thread with the generator.
    func submit(_ priority: Priority, _ cancellation: CancellationToken, _ body: @escaping @Sendable (any Generator) -> Void) {
        condition.withLock {
            let job = Job(priority: priority, cancellation: cancellation, body: body)
            queue.insert(job, at: queue.firstIndex { $0.priority > priority } ?? queue.endIndex)
            condition.signal()
        }
    }

    /// Runs `body` as a job and returns its result once it ran.
    func run<T: Sendable>(_ priority: Priority, _ cancellation: CancellationToken,
                          _ body: @escaping @Sendable (any Generator) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(priority, cancellation) { generator in continuation.resume(with: Result { try body(generator) }) }
        }
    }

    /// Cancels every precompute, window growth and warm job, running or queued: a request needs the generator
    /// (the running one stops within a layer of the model), or newer idle work replaces them.
    func cancelIdleWork() {
        let idle: [CancellationToken] = condition.withLock {
            (queue + (running.map { [$0] } ?? [])).filter { $0.priority.isIdleWork }.map(\.cancellation)
        }
        for token in idle { token.cancel() }
    }

    private func work() {
        while true {
            let job: Job? = condition.withLock {
                while queue.isEmpty, !stopping { condition.wait() }
                guard !queue.isEmpty else { return nil }
                running = queue.removeFirst()
                return running
            }
            guard let job else { return }
            job.body(generator)
            condition.withLock { running = nil }
        }
    }
}
