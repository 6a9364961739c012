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

    /// OpenBLAS for batches of at least `blasMinBatch` rows, or nil to use the engine's kernels only.
    let blas: OpenBLAS?
    static let blasMinBatch = 32
    /// f32 copy of one weight matrix for SGEMM; matrices larger than this (the classifier) never use BLAS.
    private let blasScratch: UnsafeMutablePointer<Float>?
    private let blasScratchCount: Int

    init(pool: ThreadPool, maxCols: Int, maxBatch: Int, blas: OpenBLAS?, blasScratchCount: Int) {
        self.pool = pool
        self.maxCols = maxCols
        rowScratch = .allocate(capacity: maxCols * pool.threadCount)
        let useBLAS = blas != nil && maxBatch >= Linear.blasMinBatch
        self.blas = useBLAS ? blas : nil
        self.blasScratchCount = useBLAS ? blasScratchCount : 0
        blasScratch = useBLAS ? .allocate(capacity: blasScratchCount) : nil
        if useBLAS { blas?.setThreads(pool.threadCount) }
    }

    deinit {
        rowScratch.deallocate()
        blasScratch?.deallocate()
    }

    /// Bytes of the f32 weight copy a BLAS-enabled `Linear` keeps.
    static func blasScratchCount(_ c: LlamaConfig) -> Int { max(c.dim * c.dim, c.hiddenDim * c.dim) }

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
        if let blas, let f32 = blasScratch, batch >= Linear.blasMinBatch, rows * cols <= blasScratchCount {
            // Dequantize once (cheap next to the GEMM: 1/batch of its work), then SGEMM: Y = X · Wᵀ.
            pool.parallelChunks(rows, chunksPerThread: 4) { range in
                for r in range { Linear.dequantizeRow(w.type, w.row(r), f32 + r * cols, count: cols) }
            }
            blas.sgemm(m: batch, n: rows, k: cols, a: x, lda: cols, b: f32, ldb: cols, transposeB: true,
                       c: y, ldc: rows)
            return
        }
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
