import GGUF

/// A zero-copy view of a weight tensor (usually inside the mmap'd GGUF): `rows` rows of `cols`
/// elements, row r starting at `base + r * rowBytes`. GGUF's first dimension is `cols`.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let cols: Int
    public let base: UnsafeRawPointer
    public let rowBytes: Int

    /// Fails (nil) when `cols` is not a whole number of the type's blocks.
    public init?(type: GGMLType, rows: Int, cols: Int, base: UnsafeRawPointer) {
        guard rows >= 0, let rowBytes = type.rowBytes(cols) else { return nil }
        self.type = type
        self.rows = rows
        self.cols = cols
        self.base = base
        self.rowBytes = rowBytes
    }

    /// Start of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
}
