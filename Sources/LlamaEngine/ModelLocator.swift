import Foundation

/// Turns a model argument into a file path: an existing path is used as is; a pinned name
/// (`qwen2.5-coder-1.5b`, `qwen2.5-coder-0.5b`, `smollm2-135m`) maps to
/// `$INFILL_CACHE/models/NAME.gguf` (default `~/.cache/infill`).
public enum ModelLocator {
    public static let pinnedNames = ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"]
    public static let defaultName = "qwen2.5-coder-1.5b"

    public static var cacheDirectory: String { cacheDirectory(environment: ProcessInfo.processInfo.environment) }

    /// `$INFILL_CACHE`, else `$HOME/.cache/infill`.
    public static func cacheDirectory(environment: [String: String]) -> String {
        if let dir = environment["INFILL_CACHE"], !dir.isEmpty { return dir }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/infill"
    }

    /// Where `scripts/fetch-models` puts the model called `name` (whether or not it is there yet).
    public static func cachedModelPath(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        "\(cacheDirectory(environment: environment))/models/\(name).gguf"
    }

    public static func resolve(_ nameOrPath: String) throws -> String {
        if pinnedNames.contains(nameOrPath) {
            let path = cachedModelPath(nameOrPath)
            guard FileManager.default.fileExists(atPath: path) else {
                throw EngineError.modelNotFound(
                    "model '\(nameOrPath)' is not downloaded (expected \(path)); run `scripts/fetch-models \(nameOrPath)`")
            }
            return path
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw EngineError.modelNotFound(
                "model file '\(nameOrPath)' does not exist; give a GGUF path or one of: "
                    + pinnedNames.joined(separator: ", "))
        }
        return nameOrPath
    }
}
