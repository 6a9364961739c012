import CompletionBackend
import Foundation

/// Owns the backend and its loading. Loading runs in the background (it never blocks
/// `initialize`); requests that need the model wait for it, and leave with nil if they are
/// cancelled meanwhile or the load failed.
actor ModelHost {
    enum State {
        case idle
        case loading(attempt: Int)
        case ready(any CompletionBackend)
        case failed(String)
    }

    private(set) var state: State = .idle
    private var attempt = 0
    private var waiters: [UUID: CheckedContinuation<(any CompletionBackend)?, Never>] = [:]

    var stateDescription: String {
        switch state {
        case .idle: return "idle"
        case .loading: return "loading"
        case .ready: return "ready"
        case .failed(let why): return "failed: \(why)"
        }
    }

    /// Starts loading (replacing any current backend once the new one is ready). `done` gets the
    /// error message on failure, nil on success.
    func load(_ configuration: ServerConfiguration, loader: @escaping BackendLoader,
              progress: @escaping @Sendable (String, Int?) -> Void,
              done: @escaping @Sendable (String?) -> Void) {
        attempt += 1
        let mine = attempt
        if case .ready = state {} else { state = .loading(attempt: mine) }
        Task.detached {
            do {
                let backend = try await loader(configuration, progress)
                await self.finish(mine, .ready(backend))
                done(nil)
            } catch {
                let message = "\(error)"
                await self.finish(mine, .failed(message))
                done(message)
            }
        }
    }

    private func finish(_ which: Int, _ result: State) {
        guard which == attempt else { return }  // a newer load replaced this one
        state = result
        let backend: (any CompletionBackend)?
        if case .ready(let b) = result { backend = b } else { backend = nil }
        for (_, waiter) in waiters { waiter.resume(returning: backend) }
        waiters = [:]
    }

    /// The backend if one is loaded, without waiting.
    var loaded: (any CompletionBackend)? {
        if case .ready(let backend) = state { return backend }
        return nil
    }

    /// The backend, waiting for a load in progress; nil if none could be had.
    func backend(_ flag: CancellationFlag) async -> (any CompletionBackend)? {
        switch state {
        case .ready(let backend): return backend
        case .failed: return nil
        case .idle, .loading:  // the server starts a load before anyone waits on an idle host
            let id = UUID()
            return await withCheckedContinuation { continuation in
                waiters[id] = continuation
                flag.onCancel { Task { await self.leave(id) } }
            }
        }
    }

    private func leave(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume(returning: nil)
    }
}
