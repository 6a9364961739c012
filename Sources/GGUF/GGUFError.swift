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
        case duplicateKey(String)
        case badAlignment(String)
        case nestingTooDeep(limit: Int)
        case tooManyMetadataElements(count: Int, limit: Int)
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
        case .absurdCount(let name, let count):
            what = "\(name) count \(count) cannot fit in the rest of the file; the file is corrupt: re-download or re-convert it"
        case .badValueType(let t):
            what = "unknown metadata value type \(t) (known: 0 to 12); the file is corrupt or from a newer GGUF version"
        case .badString(let length):
            what = "string length \(length) runs past the end of the file; the file is truncated or corrupt: re-download it"
        case .unknownTensorType(let tensor, let t):
            what = "tensor '\(tensor)' has unknown ggml type \(t); the file is corrupt or needs a newer Infill"
        case .badTensorShape(let tensor, let why): what = "tensor '\(tensor)' has a bad shape: \(why); the file is corrupt"
        case .tensorOutOfBounds(let tensor):
            what = "tensor '\(tensor)' data lies outside the file; the file is truncated or corrupt: re-download it"
        case .tensorsOverlap(let a, let b): what = "tensors '\(a)' and '\(b)' overlap; the file is corrupt"
        case .duplicateTensor(let name): what = "tensor '\(name)' appears twice; the file is corrupt"
        case .duplicateKey(let key): what = "metadata key '\(key)' appears twice; the file is corrupt"
        case .badAlignment(let value):
            what = "general.alignment \(value) is not a power of two from 1 to 2^31; the file is corrupt"
        case .nestingTooDeep(let limit):
            what = "metadata arrays nest more than \(limit) deep; the file is corrupt"
        case .tooManyMetadataElements(let count, let limit):
            what = "an array of \(count) elements takes the metadata past \(limit) array elements in all "
                + "(more than any vocabulary needs); the file is corrupt"
        }
        return "\(path): at byte \(offset): \(what)"
    }
}
