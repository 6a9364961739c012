import Foundation

/// Maps a pinned model name to its cached file; anything else is taken as a path.
enum ModelLocator {
    static let pinned = ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"]
    static let defaultModel = "qwen2.5-coder-1.5b"

    static var cacheDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["INFILL_CACHE"], !dir.isEmpty { return dir }
        return NSHomeDirectory() + "/.cache/infill"
    }

    static func resolve(_ nameOrPath: String) -> String {
        pinned.contains(nameOrPath) ? "\(cacheDirectory)/models/\(nameOrPath).gguf" : nameOrPath
    }
}
