import Foundation
import XCTest

/// Locates the pinned models that `scripts/fetch-models` downloads, for tests that need real weights.
public enum TestModels {
    public static var cacheDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["INFILL_CACHE"], !dir.isEmpty { return dir }
        return NSHomeDirectory() + "/.cache/infill"
    }

    /// Path of a pinned model; fails the test (not skips) with the command to run when it is missing.
    public static func path(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = "\(cacheDirectory)/models/\(name).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("model \(name) is missing at \(path): run `scripts/fetch-models \(name)`", file: file, line: line)
            throw XCTSkip("model missing")
        }
        return path
    }
}
