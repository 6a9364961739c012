import Foundation

/// One engine, one generation at a time: requests take turns in arrival order. A request
/// cancelled while waiting leaves the line at once instead of holding up the ones behind it.
actor GenerationQueue {
    private var busy = false
    private var waiters: [(id: UUID, continuation: CheckedContinuation<Bool, Never>)] = []

    /// Waits for the engine; false if `flag` was cancelled first (then nothing is held).
    func acquire(_ flag: CancellationFlag) async -> Bool {
        if flag.isCancelled { return false }
        if !busy {
            busy = true
            return true
        }
        let id = UUID()
        let granted = await withCheckedContinuation { continuation in
            waiters.append((id, continuation))
            flag.onCancel { Task { await self.leave(id) } }
        }
        return granted
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func leave(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
