import GGUF

/// y = W·x for a batch of activation rows, spread over the thread pool.
///
/// x is (batch, cols) row-major f32, y is (batch, rows) row-major f32. The activations are quantized
/// once per product (to the layout the weight type pairs with) and shared by every thread; threads
/// take chunks of rows. Matrices that read the same input with the same activation layout (q/k/v,
/// gate/up) run as one job, so a decode step waits on fewer barriers.
///
/// Batches of `blasMinBatch` rows or more can instead go through OpenBLAS: the matrix is dequantized
/// to f32 once (1/batch of the GEMM's work) and multiplied with SGEMM.
final class Linear: @unchecked Sendable {
    let pool: ThreadPool
    private let activations: QuantizedActivations

    /// OpenBLAS for large batches, or nil to use the engine's kernels only.
    let blas: OpenBLAS?
    /// The weight types whose large batches go through OpenBLAS (see `PrefillProduct`); empty without it.
    let blasTypes: Set<GGMLType>
    static let blasMinBatch = 32
    /// f32 copy of one weight matrix for SGEMM; larger matrices (the classifier) never use BLAS.
    private let blasScratch: UnsafeMutablePointer<Float>?
    private let blasScratchCount: Int

    init(pool: ThreadPool, maxCols: Int, maxBatch: Int, blas: OpenBLAS?, blasTypes: Set<GGMLType>,
         blasScratchCount: Int) {
        self.pool = pool
        activations = QuantizedActivations(maxCols: maxCols, maxBatch: maxBatch)
        let useBLAS = blas != nil && maxBatch >= Linear.blasMinBatch && !blasTypes.isEmpty
        self.blas = useBLAS ? blas : nil
        self.blasTypes = useBLAS ? blasTypes : []
        self.blasScratchCount = useBLAS ? blasScratchCount : 0
        blasScratch = useBLAS ? .allocate(capacity: blasScratchCount) : nil
        // OpenBLAS runs single-threaded inside our pool's jobs (each thread a slice of the output):
        // two thread pools spinning on two cores would fight each other.
        if useBLAS { blas?.setThreads(1) }
    }

    deinit { blasScratch?.deallocate() }

    /// Floats of the f32 weight copy a BLAS-enabled `Linear` keeps (the largest layer matrix).
    static func blasScratchCount(_ c: LlamaConfig) -> Int { max(c.dim * c.dim, c.hiddenDim * c.dim) }

    /// Types the kernels can multiply with.
    static var supportedTypes: Set<GGMLType> { Set(QuantTraits.supportedTypes) }

    /// Converts one row of `count` elements stored as `type` to f32.
    @inline(__always)
    static func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>,
                              count: Int) {
        Kernels.dequantizeRow(type, src, dst, count: count)
    }

    /// y[b, r] = dot(W[r], x[b]) for all rows r and batch entries b.
    func multiply(_ w: Matrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        multiply(x, batch: batch, w, y)
    }

    /// Up to three products of the same input: y0 = W0·x, y1 = W1·x, y2 = W2·x.
    func multiply(_ x: UnsafePointer<Float>, batch: Int,
                  _ w0: Matrix, _ y0: UnsafeMutablePointer<Float>,
                  _ w1: Matrix? = nil, _ y1: UnsafeMutablePointer<Float>? = nil,
                  _ w2: Matrix? = nil, _ y2: UnsafeMutablePointer<Float>? = nil) {
        // OpenBLAS is chosen per weight type: when the matrices disagree, each takes its own product.
        let blas0 = blasEligible(w0, batch: batch)
        let blas1 = w1.map { blasEligible($0, batch: batch) } ?? blas0
        let blas2 = w2.map { blasEligible($0, batch: batch) } ?? blas0
        if blas0 || blas1 || blas2 {
            alone(x, batch: batch, w0, y0, viaBLAS: blas0)
            if let w1, let y1 { alone(x, batch: batch, w1, y1, viaBLAS: blas1) }
            if let w2, let y2 { alone(x, batch: batch, w2, y2, viaBLAS: blas2) }
            return
        }
        let format = QuantTraits.of(w0.type)!.activation
        let shared = [w1, w2].allSatisfy { $0 == nil || QuantTraits.of($0!.type)!.activation == format }
        if !shared {
            alone(x, batch: batch, w0, y0, viaBLAS: false)
            if let w1, let y1 { alone(x, batch: batch, w1, y1, viaBLAS: false) }
            if let w2, let y2 { alone(x, batch: batch, w2, y2, viaBLAS: false) }
            return
        }
        run(x, batch: batch, w0, y0, w1, y1, w2, y2)
    }

    private func alone(_ x: UnsafePointer<Float>, batch: Int, _ w: Matrix, _ y: UnsafeMutablePointer<Float>,
                       viaBLAS: Bool) {
        if viaBLAS { blasMultiply(w, x, batch: batch, y) } else { run(x, batch: batch, w, y, nil, nil, nil, nil) }
    }

    private func blasEligible(_ w: Matrix, batch: Int) -> Bool {
        batch >= Linear.blasMinBatch && blasTypes.contains(w.type) && w.rows * w.cols <= blasScratchCount
    }

    /// One pool job over the row chunks of every matrix, after quantizing x once.
    private func run(_ x: UnsafePointer<Float>, batch: Int,
                     _ w0: Matrix, _ y0: UnsafeMutablePointer<Float>,
                     _ w1: Matrix?, _ y1: UnsafeMutablePointer<Float>?,
                     _ w2: Matrix?, _ y2: UnsafeMutablePointer<Float>?) {
        let acts = activations
        acts.quantize(x, cols: w0.cols, batch: batch, for: w0.type)
        // Chunks: about 8 per thread per matrix, whole multiples of 4 rows.
        let threads = pool.threadCount
        func chunkRows(_ rows: Int) -> Int { max(4, (rows / (threads * 8) + 3) / 4 * 4) }
        let c0 = chunkRows(w0.rows), n0 = (w0.rows + c0 - 1) / c0
        let c1 = w1.map { chunkRows($0.rows) } ?? 1, n1 = w1.map { ($0.rows + c1 - 1) / c1 } ?? 0
        let c2 = w2.map { chunkRows($0.rows) } ?? 1, n2 = w2.map { ($0.rows + c2 - 1) / c2 } ?? 0
        pool.parallelFor(n0 + n1 + n2) { item in
            let w: Matrix, y: UnsafeMutablePointer<Float>, start: Int, size: Int
            if item < n0 {
                (w, y, start, size) = (w0, y0, item * c0, c0)
            } else if item < n0 + n1 {
                (w, y, start, size) = (w1!, y1!, (item - n0) * c1, c1)
            } else {
                (w, y, start, size) = (w2!, y2!, (item - n0 - n1) * c2, c2)
            }
            let rows = start..<min(w.rows, start + size)
            if batch == 1 {
                Kernels.matVec(w.weight, rows: rows, x: acts, y: y + rows.lowerBound)
            } else {
                Kernels.matMul(w.weight, rows: rows, x: acts, batch: batch, y: y, ldy: w.rows)
            }
        }
    }

    private func blasMultiply(_ w: Matrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        let cols = w.cols, rows = w.rows, f32 = blasScratch!, blas = blas!
        pool.parallelChunks(rows, chunksPerThread: 4) { range in
            for r in range { Linear.dequantizeRow(w.type, w.row(r), f32 + r * cols, count: cols) }
        }
        // One slice of W's rows (= columns of Y) per thread, 16-aligned.
        pool.parallelChunks(rows, chunksPerThread: 1, alignment: 16) { range in
            blas.sgemm(m: batch, n: range.count, k: cols, a: x, lda: cols, b: f32 + range.lowerBound * cols,
                       ldb: cols, transposeB: true, c: y + range.lowerBound, ldc: rows)
        }
    }
}
