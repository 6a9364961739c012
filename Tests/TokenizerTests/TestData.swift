import Foundation
import GGUF
import InfillTestSupport
import XCTest
@testable import Tokenizer

/// Where the tests find their data: `$INFILL_CACHE` (default ~/.cache/infill).
enum TestData {
    static var cache: String { TestModels.cacheDirectory }

    /// A vocab-only GGUF from llama.cpp's test set (extracted by scripts/fetch-test-data).
    static func vocabPath(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = "\(cache)/vocab/ggml-vocab-\(name).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("missing \(path): run scripts/fetch-test-data (extracts llama.cpp's tokenizer test vocabularies into \(cache)/vocab)", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return path
    }

    /// Tokenizers are immutable; build each once per test process.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [String: Tokenizer] = [:]

    static func tokenizer(at path: String) throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let t = loaded[path] { return t }
        let t = try Tokenizer(gguf: GGUFFile(path: path))
        loaded[path] = t
        return t
    }

    static func vocab(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tokenizer {
        try tokenizer(at: vocabPath(name, file: file, line: line))
    }

    static func model(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tokenizer {
        try tokenizer(at: TestModels.path(name, file: file, line: line))
    }

    /// llama.cpp's test vectors: inputs separated by "\n__ggml_vocab_test__\n", one line of
    /// space-separated ids per input.
    static func vectors(_ name: String) throws -> [(input: String, ids: [Int32])] {
        let base = try vocabPath(name)
        let inp = try Data(contentsOf: URL(fileURLWithPath: base + ".inp"))
        let out = try String(contentsOfFile: base + ".out", encoding: .utf8)
        let separator = Data("\n__ggml_vocab_test__\n".utf8)
        var inputs: [String] = []
        var pos = inp.startIndex
        while pos < inp.endIndex {
            if let r = inp.range(of: separator, in: pos..<inp.endIndex) {
                inputs.append(String(decoding: inp[pos..<r.lowerBound], as: UTF8.self))
                pos = r.upperBound
            } else {
                inputs.append(String(decoding: inp[pos...], as: UTF8.self))
                break
            }
        }
        var lines = out.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard lines.count == inputs.count else {
            XCTFail("\(name): \(inputs.count) inputs but \(lines.count) output lines")
            return []
        }
        return zip(inputs, lines).map { input, line in
            (input, line.split(separator: " ").map { Int32($0)! })
        }
    }
}
