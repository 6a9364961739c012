import Foundation
import Synchronization

/// A persistent pool of worker threads for the forward pass.
///
/// `parallelFor(count:)` runs `body(i)` for every `i` in `0..<count`, spread over the workers and the
/// calling thread, and returns when all are done. Work items are handed out through one atomic counter,
/// so uneven items balance themselves. Workers spin briefly after a job (decode issues hundreds of jobs
/// per token, microseconds apart), then park on a condition variable so an idle pool costs nothing and
/// does not compete with OpenBLAS's own threads during a big GEMM. Nothing is allocated per job.
///
/// One job at a time: the engine calls it from one thread (the session's), never concurrently.
public final class ThreadPool: @unchecked Sendable {
    /// Number of threads that run work, the caller included.
    public var threadCount: Int { state.threadCount }
    private let state: State

    /// - Parameter threads: total threads including the caller; nil = all cores.
    public init(threads: Int? = nil) {
        state = State(threadCount: max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        for index in 1..<state.threadCount {
            let thread = Thread { [state] in state.workerLoop(thread: index) }
            thread.name = "infill-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Runs `body(i)` for `i` in `0..<count` on all threads; returns when every call has finished.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        state.parallelFor(count) { i, _ in body(i) }
    }

    /// As `parallelFor`, also passing the index (0..<threadCount) of the thread running the item, for
    /// per-thread scratch buffers.
    public func parallelFor(_ count: Int, _ body: (_ item: Int, _ thread: Int) -> Void) {
        state.parallelFor(count, body)
    }

    /// Splits `0..<total` into about `chunksPerThread` chunks per thread and runs `body(range)` on each;
    /// chunk sizes are multiples of `alignment`.
    public func parallelChunks(_ total: Int, chunksPerThread: Int = 4, alignment: Int = 1,
                               _ body: (Range<Int>) -> Void) {
        if total <= 0 { return }
        let chunks = max(1, min(threadCount * chunksPerThread, total / max(1, alignment)))
        var size = (total + chunks - 1) / chunks
        size = (size + alignment - 1) / alignment * alignment
        let n = (total + size - 1) / size
        parallelFor(n) { c in
            let start = c * size
            body(start..<min(total, start + size))
        }
    }
}

/// Shared between the pool and its workers (workers keep it alive, not the pool).
private final class State: @unchecked Sendable {
    let threadCount: Int

    // The current job. Written only by the caller while every worker is idle (pending == 0).
    private var body: ((Int, Int) -> Void)?
    private var itemCount = 0

    private let generation = Atomic<Int>(0)   // bumped once per job; workers wait for a change
    private let nextItem = Atomic<Int>(0)     // next work item to hand out
    private let pending = Atomic<Int>(0)      // workers still inside the current job
    private let sleepers = Atomic<Int>(0)     // workers parked (or about to park) on `condition`
    private let stopping = Atomic<Bool>(false)
    private let condition = NSCondition()

    /// Iterations a worker spins on the generation counter before parking.
    private static let spinLimit = 200_000

    init(threadCount: Int) { self.threadCount = threadCount }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    func parallelFor(_ count: Int, _ body: (Int, Int) -> Void) {
        if count <= 0 { return }
        if threadCount == 1 || count == 1 {
            for i in 0..<count { body(i, 0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            itemCount = count
            nextItem.store(0, ordering: .relaxed)
            pending.store(threadCount - 1, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            runItems(thread: 0)
            // Wait for the workers; yield after a while in case one of them is not running (a busy machine).
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 20_000 { sched_yield() }
            }
            self.body = nil
        }
    }

    private func runItems(thread: Int) {
        guard let body else { return }
        while true {
            let i = nextItem.add(1, ordering: .relaxed).oldValue
            if i >= itemCount { break }
            body(i, thread)
        }
    }

    func workerLoop(thread: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < State.spinLimit { continue }
                condition.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen {
                    condition.wait()
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                condition.unlock()
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) {
                pending.subtract(1, ordering: .releasing)
                return
            }
            runItems(thread: thread)
            pending.subtract(1, ordering: .releasing)
        }
    }
}
