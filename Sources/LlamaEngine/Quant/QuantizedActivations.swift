import CKernels
import GGUF

/// Scratch for a batch of activation rows in the layout a weight type's dot product pairs with.
/// Allocated once (for the largest row and batch), reused for every token; `quantize` allocates nothing.
///
/// A class so thread-pool workers can share one instance; they only read it while `matVec`/`matMul`
/// run, and `quantize` must not run concurrently with them.
public final class QuantizedActivations: @unchecked Sendable {
    public let maxCols: Int
    public let maxBatch: Int
    /// Layout, row length and batch of the last `quantize`.
    public private(set) var format: ActivationFormat = .f32
    public private(set) var cols = 0
    public private(set) var batch = 0
    /// Bytes between consecutive activation rows.
    public private(set) var stride = 0
    /// The quantized rows (read-only for kernels).
    public var base: UnsafeRawPointer { UnsafeRawPointer(storage) }

    private let storage: UnsafeMutableRawPointer
    private let capacity: Int

    public init(maxCols: Int, maxBatch: Int) {
        precondition(maxCols > 0 && maxBatch > 0, "QuantizedActivations needs maxCols > 0 and maxBatch > 0")
        self.maxCols = maxCols
        self.maxBatch = maxBatch
        // f32 is the largest layout (4 bytes per element; q8a takes 1.25, q8K about 1.14).
        capacity = maxCols * maxBatch * MemoryLayout<Float>.size
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    /// Quantizes `batch` rows of `cols` floats (row t at `x + t * cols`) for multiplying by `type` weights.
    public func quantize(_ x: UnsafePointer<Float>, cols: Int, batch: Int, for type: GGMLType) {
        guard let traits = QuantTraits.of(type) else {
            preconditionFailure("QuantizedActivations.quantize: no kernels for weight type \(type)")
        }
        quantize(x, cols: cols, batch: batch, format: traits.activation)
    }

    /// Same, naming the activation layout directly (and, for tests, the kernel path).
    public func quantize(_ x: UnsafePointer<Float>, cols: Int, batch: Int, format: ActivationFormat,
                         path: KernelPath = .active) {
        precondition(cols <= maxCols && batch <= maxBatch,
                     "QuantizedActivations: \(batch)x\(cols) exceeds the allocated \(maxBatch)x\(maxCols)")
        precondition(cols % format.blockSize == 0,
                     "QuantizedActivations: \(cols) columns is not a multiple of \(format.blockSize) for \(format)")
        self.format = format
        self.cols = cols
        self.batch = batch
        stride = format.rowBytes(cols)
        let kernel = format.quantize(path)
        for t in 0..<batch {
            kernel(x + t * cols, storage + t * stride, Int64(cols))
        }
    }
}
