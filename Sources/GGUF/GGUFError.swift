/// Why a GGUF file could not be read. The message names the file, the byte offset and what to do.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case cannotOpen(String)
        case badMagic(UInt32)
        case unsupportedVersion(UInt32)
        case truncated(needed: Int)
        case absurdCount(what: String, count: UInt64)
        case badValueType(UInt32)
        case badString(length: UInt64)
        case unknownTensorType(tensor: String, type: UInt32)
        case badTensorShape(tensor: String, String)
        case tensorOutOfBounds(tensor: String)
        case tensorsOverlap(String, String)
        case duplicateTensor(String)
        case badAlignment(Int)
    }

    public let path: String
    public let offset: Int
    public let kind: Kind

    public init(path: String, offset: Int, kind: Kind) {
        self.path = path
        self.offset = offset
        self.kind = kind
    }

    public var description: String {
        let what: String
        switch kind {
        case .cannotOpen(let reason): what = "cannot open file: \(reason)"
        case .badMagic(let magic):
            what = "not a GGUF file (magic 0x\(String(magic, radix: 16)), expected 0x46554747 \"GGUF\")"
        case .unsupportedVersion(let v): what = "unsupported GGUF version \(v) (supported: 2, 3); re-convert the model with a current llama.cpp"
        case .truncated(let needed): what = "file is truncated: \(needed) more byte(s) needed; re-download it (scripts/fetch-models verifies checksums)"
        case .absurdCount(let name, let count): what = "\(name) count \(count) cannot fit in the file; the file is corrupt"
        case .badValueType(let t): what = "unknown metadata value type \(t)"
        case .badString(let length): what = "string length \(length) runs past the end of the file"
        case .unknownTensorType(let tensor, let t): what = "tensor '\(tensor)' has unknown ggml type \(t)"
        case .badTensorShape(let tensor, let why): what = "tensor '\(tensor)' has a bad shape: \(why)"
        case .tensorOutOfBounds(let tensor): what = "tensor '\(tensor)' data lies outside the file"
        case .tensorsOverlap(let a, let b): what = "tensors '\(a)' and '\(b)' overlap"
        case .duplicateTensor(let name): what = "tensor '\(name)' appears twice"
        case .badAlignment(let a): what = "general.alignment \(a) is not a power of two"
        }
        return "\(path): at byte \(offset): \(what)"
    }
}
