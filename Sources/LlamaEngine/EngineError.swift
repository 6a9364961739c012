/// Everything the engine can refuse, each with what was wrong, where, and what to do.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case unsupportedArchitecture(String?, path: String)
    case missingMetadata(key: String, path: String)
    case badMetadata(key: String, value: String, expected: String, path: String)
    case vocabularyMismatch(tokens: Int, embeddingRows: Int, path: String)
    case missingTensor(name: String, path: String)
    case wrongShape(name: String, expected: [Int], found: [Int], path: String)
    case unsupportedTensorType(name: String, type: String, path: String)
    case notEnoughMemory(needed: Int, available: Int, path: String)
    case promptTooLong(tokens: Int, context: Int)
    case emptyPrompt
    case invalidToken(Int32, vocabSize: Int)
    case modelNotFound(String)
    /// `interrupt` asked a prompt evaluation to stop; the cache holds the batches finished before it.
    case interrupted

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let arch, let path):
            return "\(path): architecture '\(arch ?? "(none)")' is not supported; supported: "
                + "\(Architecture.allCases.map(\.rawValue).joined(separator: ", "))"
        case .missingMetadata(let key, let path):
            return "\(path): metadata key '\(key)' is missing; the file is not a complete model GGUF"
        case .badMetadata(let key, let value, let expected, let path):
            return "\(path): metadata key '\(key)' is \(value), expected \(expected); the file is corrupt or not a model this engine runs"
        case .vocabularyMismatch(let tokens, let rows, let path):
            return "\(path): the vocabulary has \(tokens) tokens but token_embd.weight has \(rows) rows; "
                + "the file is corrupt (re-convert the model)"
        case .missingTensor(let name, let path):
            return "\(path): tensor '\(name)' is missing; the file is incomplete or not this architecture"
        case .wrongShape(let name, let expected, let found, let path):
            return "\(path): tensor '\(name)' has shape \(found), expected \(expected) from the metadata"
        case .unsupportedTensorType(let name, let type, let path):
            return "\(path): tensor '\(name)' has type \(type), which the engine cannot compute with; "
                + "re-quantize the model to a supported type (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K)"
        case .notEnoughMemory(let needed, let available, let path):
            return "\(path): the model needs about \(needed >> 20) MiB of memory (weights + KV cache + buffers) "
                + "but only \(available >> 20) MiB is available; use a smaller model or a shorter context"
        case .promptTooLong(let tokens, let context):
            return "prompt of \(tokens) tokens does not fit the context of \(context) tokens "
                + "(with room for at least one generated token); shorten the prompt or raise the context length"
        case .emptyPrompt:
            return "the prompt is empty; give at least one token"
        case .invalidToken(let token, let vocabSize):
            return "token id \(token) is outside the vocabulary (0..<\(vocabSize))"
        case .modelNotFound(let what):
            return what
        case .interrupted:
            return "the prompt evaluation was interrupted"
        }
    }
}
