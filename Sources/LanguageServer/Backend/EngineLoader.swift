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
