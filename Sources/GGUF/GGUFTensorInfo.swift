/// Where one tensor lives in the file and what it holds.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: dimensions[0] is the contiguous row length (ne0), then rows, ...
    public let dimensions: [Int]
    public let type: GGMLType
    /// Absolute byte offset of the first element in the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { dimensions.reduce(1, *) }
}
