import CKernels
import GGUF

/// Quantized matrix products and dequantization, dispatched through `QuantTraits` on the active
/// `KernelPath`. Thread-safe for disjoint row ranges; nothing here allocates.
public enum Kernels {
    /// "avx512-vnni", "avx2" or "scalar".
    public static var activePath: String { KernelPath.active.description }

    /// y[r - rows.lowerBound] = dot(row r of w, x) for r in rows, for the single activation row of `x`
    /// (its first row when it holds a batch).
    public static func matVec(_ w: WeightMatrix, rows: Range<Int>, x: borrowing QuantizedActivations,
                              y: UnsafeMutablePointer<Float>) {
        matVec(w, rows: rows, x: x, y: y, path: .active)
    }

    /// Batched: y[t * ldy + r] = dot(row r of w, activation row t) for t in 0..<batch, r in rows
    /// (r is the absolute row index, so chunks of one output matrix share y and ldy).
    public static func matMul(_ w: WeightMatrix, rows: Range<Int>, x: borrowing QuantizedActivations, batch: Int,
                              y: UnsafeMutablePointer<Float>, ldy: Int) {
        matMul(w, rows: rows, x: x, batch: batch, y: y, ldy: ldy, path: .active)
    }

    /// dst[0..<count] = the first `count` dequantized elements at `src`; count is a multiple of the block size.
    public static func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>,
                                     count: Int, path: KernelPath = .active) {
        let traits = traitsOrFail(type, "dequantizeRow")
        precondition(count % traits.blockSize == 0, "dequantizeRow: \(count) is not a multiple of \(type)'s block size")
        traits.dequantize(path)(src, dst, Int64(count))
    }

    // MARK: explicit path (tests and benchmarks compare paths)

    public static func matVec(_ w: WeightMatrix, rows: Range<Int>, x: borrowing QuantizedActivations,
                              y: UnsafeMutablePointer<Float>, path: KernelPath) {
        let traits = checked(w, rows: rows, x: x, batch: 1, "matVec")
        guard !rows.isEmpty else { return }
        traits.matVec(path)(Int64(w.cols), w.row(rows.lowerBound), w.rowBytes, Int64(rows.count), x.base, y)
    }

    public static func matMul(_ w: WeightMatrix, rows: Range<Int>, x: borrowing QuantizedActivations, batch: Int,
                              y: UnsafeMutablePointer<Float>, ldy: Int, path: KernelPath) {
        let traits = checked(w, rows: rows, x: x, batch: batch, "matMul")
        guard !rows.isEmpty, batch > 0 else { return }
        if let kernel = traits.matMul(path) {
            kernel(Int64(w.cols), w.row(rows.lowerBound), w.rowBytes, Int64(rows.count), x.base, x.stride,
                   Int64(batch), y + rows.lowerBound, Int64(ldy))
        } else {
            ck_matmul_tiled(traits.matVec(path), Int64(w.cols), w.row(rows.lowerBound), w.rowBytes,
                            Int64(rows.count), x.base, x.stride, Int64(batch), y + rows.lowerBound, Int64(ldy))
        }
    }

    // MARK: checks (cheap, once per call; the kernels themselves trust their arguments)

    private static func traitsOrFail(_ type: GGMLType, _ caller: String) -> QuantTraits {
        guard let traits = QuantTraits.of(type) else {
            let supported = QuantTraits.supportedTypes.map(\.description).joined(separator: ", ")
            preconditionFailure("Kernels.\(caller): weight type \(type) is not supported (supported: \(supported))")
        }
        return traits
    }

    private static func checked(_ w: WeightMatrix, rows: Range<Int>, x: borrowing QuantizedActivations, batch: Int,
                                _ caller: String) -> QuantTraits {
        let traits = traitsOrFail(w.type, caller)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= w.rows,
                     "Kernels.\(caller): rows \(rows) outside the matrix's 0..<\(w.rows)")
        precondition(x.format == traits.activation && x.cols == w.cols,
                     "Kernels.\(caller): activations are \(x.format) x \(x.cols), \(w.type) weights need \(traits.activation) x \(w.cols); call quantize(_:cols:batch:for: \(w.type)) first")
        precondition(batch <= x.batch, "Kernels.\(caller): batch \(batch) exceeds the \(x.batch) quantized rows")
        return traits
    }
}
