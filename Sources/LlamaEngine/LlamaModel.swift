import Foundation
import GGUF
import Tokenizer

/// A loaded model: the mapped GGUF, its config and weight views, and its tokenizer. Immutable and
/// shareable; run it through a `Session`.
public final class LlamaModel: @unchecked Sendable {
    public let path: String
    public let file: GGUFFile
    public let config: LlamaConfig
    public let weights: Weights
    public let tokenizer: Tokenizer

    public var fileSize: Int { file.fileSize }

    /// Loads the GGUF at `path` (a file path, or a pinned name such as `qwen2.5-coder-1.5b`; see
    /// `ModelLocator`).
    public init(path nameOrPath: String) throws {
        let path = try ModelLocator.resolve(nameOrPath)
        if let available = Memory.availableBytes(),
           let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int,
           size > available {
            throw EngineError.notEnoughMemory(needed: size, available: available, path: path)
        }
        self.path = path
        file = try GGUFFile(path: path)
        config = try LlamaConfig(gguf: file, path: path)
        weights = try Weights(gguf: file, config: config, path: path)
        tokenizer = try Tokenizer(gguf: file)
        // Token ids index the embedding and the logits, so the two must agree (llama.cpp refuses too).
        guard tokenizer.vocabularySize == config.vocabSize else {
            throw EngineError.vocabularyMismatch(tokens: tokenizer.vocabularySize, embeddingRows: config.vocabSize, path: path)
        }
    }

    /// Text of generated tokens, streamed; bytes of a character split across tokens come out together.
    func streamingDecoder() -> StreamingDecoder { StreamingDecoder(tokenizer: tokenizer) }
}
