import CompletionBackend
import Foundation

/// Loads the backend for a configuration (the model file named there). Called off the request
/// path; `progress` reports a message and an optional percentage for `$/progress`.
public typealias BackendLoader = @Sendable (
    _ configuration: ServerConfiguration, _ progress: @escaping @Sendable (String, Int?) -> Void
) async throws -> any CompletionBackend

extension EngineBackend {
    /// The in-process engine on the configured model file.
    public static let loader: BackendLoader = { configuration, progress in
        if configuration.backend == "llama-server" { return try await llamaServerLoader(configuration, progress) }
        let path = configuration.modelPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineBackendError(
                "model file \(path) not found (model \"\(configuration.model)\"); run scripts/fetch-models, "
                    + "or pass --model with a pinned name or a GGUF path")
        }
        progress("loading \((path as NSString).lastPathComponent)", 10)
        let generator = try SessionGenerator(modelPath: path, threads: configuration.threads,
                                             draftTokens: configuration.draftTokens)
        progress("\(generator.architecture) ready, \(generator.fimTokens.format.name) FIM", 100)
        return EngineBackend(generator: generator)
    }
}

extension EngineBackend {
    /// The pipeline over llama-server at the configured URL, tokenizing with `tokenizerModel`.
    static let llamaServerLoader: BackendLoader = { configuration, progress in
        guard let url = URL(string: configuration.url), url.scheme == "http", url.host != nil else {
            throw EngineBackendError("url \(configuration.url) is not an http:// URL with a host (e.g. http://127.0.0.1:8080)")
        }
        let path = configuration.tokenizerModelPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineBackendError(
                "tokenizer model \(path) not found (tokenizerModel \"\(configuration.tokenizerModel)\"); pass --tokenizer-model "
                    + "with a GGUF of the model llama-server runs (its vocabulary is read, not its weights)")
        }
        progress("connecting to llama-server at \(url)", 10)
        let generator = try LlamaServerGenerator(url: url, tokenizerModelPath: path) { progress($0, nil) }
        progress("llama-server at \(url) ready (\(generator.slotCount) slots, \(generator.contextLength) tokens each), "
                 + "\(generator.fimTokens.format.name) FIM", 100)
        return EngineBackend(generator: generator, description: "llama-server at \(url) running \(generator.serverModel)")
    }
}
