import ArgumentParser
import CompletionBackend
import Foundation
import LanguageServer

/// `infill complete FILE:LINE:COL`: the middle the language server would insert there, printed
/// as is. Same prompt, engine and trimming as `textDocument/inlineCompletion`.
struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the completion the server would insert at FILE:LINE:COL (1-based line and column).")

    @Argument(help: "FILE:LINE:COL, 1-based; COL counts characters.")
    var location: String

    @OptionGroup var engine: ModelOptions

    @Option(help: "Tokens generated at most.")
    var maxTokens: Int = 128

    @Option(help: "auto, always or never: whether the completion may span several lines.")
    var multiline: String = "auto"

    func run() async throws {
        let parts = location.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]),
              line >= 1, column >= 1 else {
            throw ValidationError("expected FILE:LINE:COL with 1-based numbers, got '\(location)'")
        }
        let path = parts.dropLast(2).joined(separator: ":")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read \(path) as UTF-8 text")
        }
        guard let policy = MultilinePolicy(rawValue: multiline) else {
            throw ValidationError("--multiline must be auto, always or never")
        }
        let split = try Self.split(text, line: line, column: column, path: path)
        let modelPath = try engine.resolvedPath()
        let backend = try EngineBackend(modelPath: modelPath, threads: engine.threads, draftTokens: engine.draftTokens)
        backend.precomputesNext = false  // one request, then exit
        let input = CompletionInput(
            mode: .inline, uri: URL(fileURLWithPath: path).absoluteString,
            languageId: LanguageID.forPath(path), version: 1, prefix: split.prefix, suffix: split.suffix,
            maxNewTokens: maxTokens, deadline: .now + .seconds(60), multiline: policy)
        let output = try await backend.complete(input, isCancelled: { false })
        print(output.middle)
        FileHandle.standardError.write(Data(
            "infill: \(output.promptTokens) prompt tokens, \(output.generatedTokens) generated\n".utf8))
    }

    /// The text before and after a 1-based line and character column (clamped to the line's end).
    static func split(_ text: String, line: Int, column: Int, path: String) throws -> (prefix: String, suffix: String) {
        var lineStart = text.startIndex
        for _ in 1..<line {
            guard let newline = text[lineStart...].firstIndex(of: "\n") else {
                throw ValidationError("\(path) has fewer than \(line) lines")
            }
            lineStart = text.index(after: newline)
        }
        let lineEnd = text[lineStart...].firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) ?? text.endIndex
        let cursor = text.index(lineStart, offsetBy: column - 1, limitedBy: lineEnd) ?? lineEnd
        return (String(text[..<cursor]), String(text[cursor...]))
    }
}
