import Foundation
import GGUF

/// The backend `infill lsp` uses by default: the model file named by the configuration, run by
/// LlamaEngine with the Completion module's FIM prompt and trimming.
///
/// Integration point: this is the one file to change when the engine lands. Until then the loader
/// checks the model file (present, a readable GGUF) so users get a precise error early, then
/// reports that generation is not wired yet; requests answer null.
public enum EngineBackend {
    public static let loader: BackendLoader = { configuration, progress in
        let path = configuration.modelPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineBackendError(
                "model file \(path) not found (model \"\(configuration.model)\"); run scripts/fetch-models, "
                    + "or pass --model with a pinned name or a GGUF path")
        }
        progress("reading \((path as NSString).lastPathComponent)", 10)
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw EngineBackendError("\(error)")
        }
        progress("\(file.architecture ?? "unknown architecture"), \(file.tensors.count) tensors", 50)
        throw EngineBackendError("the generation engine is not wired into the language server yet (model \(path) is valid)")
    }
}

public struct EngineBackendError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
