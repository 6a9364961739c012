import GGUF

/// y = W·x for a batch of activation rows, spread over the thread pool.
///
/// x is (batch, cols) row-major f32, y is (batch, rows) row-major f32 (`ldy` = rows). Rows of W are
/// split in chunks across threads; each thread reads its rows once for the whole batch.
final class Linear: @unchecked Sendable {
    let pool: ThreadPool
    /// Per-thread f32 copy of one weight row (generic path).
    private let rowScratch: UnsafeMutablePointer<Float>
    private let maxCols: Int

    init(pool: ThreadPool, maxCols: Int, maxBatch: Int) {
        self.pool = pool
        self.maxCols = maxCols
        rowScratch = .allocate(capacity: maxCols * pool.threadCount)
    }

    deinit { rowScratch.deallocate() }

    /// Types this file can multiply with.
    static let supportedTypes: Set<GGMLType> = [.f32, .f16]

    /// Converts one row of `count` elements stored as `type` to f32.
    static func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>,
                              count: Int) {
        switch type {
        case .f32:
            dst.update(from: src.assumingMemoryBound(to: Float.self), count: count)
        case .f16:
            let h = src.assumingMemoryBound(to: Float16.self)
            for i in 0..<count { dst[i] = Float(h[i]) }
        default:
            fatalError("dequantizeRow: type \(type) not supported (checked at load)")
        }
    }

    /// y[b, r] = dot(W[r], x[b]) for all rows r and batch entries b.
    func multiply(_ w: Matrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        let cols = w.cols, rows = w.rows
        let scratch = rowScratch
        pool.parallelFor((rows + 15) / 16) { chunk, thread in
            let row = scratch + thread * cols
            for r in (chunk * 16)..<min(rows, chunk * 16 + 16) {
                if w.type == .f32 {
                    let wr = w.row(r).assumingMemoryBound(to: Float.self)
                    for b in 0..<batch { y[b * rows + r] = MathOps.dot(wr, x + b * cols, cols) }
                } else {
                    Linear.dequantizeRow(w.type, w.row(r), row, count: cols)
                    for b in 0..<batch { y[b * rows + r] = MathOps.dot(row, x + b * cols, cols) }
                }
            }
        }
    }
}
