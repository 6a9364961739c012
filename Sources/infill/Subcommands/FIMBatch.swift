import ArgumentParser
import Completion
import CompletionBackend
import Foundation
import LlamaEngine

/// `infill fim-batch` (hidden, a development tool): FIM requests as JSON lines on stdin, one JSON
/// line out per request, each through the server's completion pipeline (`CompletionPipeline`: same
/// prompt, per-token stop, second try and trimming as an inline completion the user asked for, with
/// no time limit). The generations come back as pieces; a request that brings them (`pieces`,
/// `finish` and, when there was a second try, `retry`) is answered by replaying them instead of
/// running the model, so a change to the trimming passes can be scored on a benchmark's recorded
/// generations in seconds. A replay never writes more than was recorded: a rule that stops later
/// than the recording did sees the recording's end.
///
/// in:  {"prefix": "...", "suffix": "...", "path": "a.py", "languageId": "python", "trigger": 1|2?,
///       "pieces": [...]?, "finish": "..."?, "retry": {"pieces": [...], "finish": "..."}?}
/// out: {"pieces": [...], "finish": "stop"|"max"|"stopped"|..., "retry": {...}?, "middle": "..."|null,
///       "replaced": N, "indentBelow": {...}?, "promptTokens": N, "reusedTokens": N, ...}
/// `trigger`: the LSP trigger kind whose rules apply (1 invoked, the default, as the HumanEval
/// benchmarks ask; 2 automatic ghost text); `replaced`: characters right of the cursor the middle replaces.
struct FIMBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fim-batch",
        abstract: "Generate or re-trim FIM middles for JSON-line requests (development tool).",
        shouldDisplay: false)

    @OptionGroup var engine: ModelOptions

    @Option(help: "Tokens generated at most per request.")
    var maxTokens: Int = 64

    @Option(help: "Prompt budget in tokens (the server's contextTokens).")
    var contextTokens: Int = 2048

    struct Recorded: Codable {
        var pieces: [String]
        var finish: String
    }

    struct Request: Decodable {
        var prefix: String
        var suffix: String
        var path: String?
        var languageId: String?
        var pieces: [String]?
        var finish: String?
        var retry: Recorded?
        var trigger: Int?
    }

    struct Response: Encodable {
        var pieces: [String]
        var finish: String
        var retry: Recorded?
        var middle: String?
        var replaced: Int
        /// {"firstLine": lines after the cursor's, "lines": [...], "indentation": "..."}
        var indentBelow: IndentBelow?
        var promptTokens: Int
        var reusedTokens: Int
        var decodeSeconds = 0.0
        var decodeSteps = 0
        var draftedTokens = 0
        var acceptedDraftTokens = 0
    }

    func run() throws {
        let modelPath = try engine.resolvedPath()
        let llama = try LlamaModel(path: modelPath)
        let vocabulary = TokenizerVocabulary(llama.tokenizer)
        let fim = try FIMTokens.detect(in: vocabulary, model: (modelPath as NSString).lastPathComponent)
        var recorder: RecordingGenerator? = nil  // the model, loaded for the first request without pieces
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        while let line = readLine(strippingNewline: true) {
            guard !line.isEmpty else { continue }
            let request = try decoder.decode(Request.self, from: Data(line.utf8))
            let generator: any Generator
            if let pieces = request.pieces {
                let recorded = [Recorded(pieces: pieces, finish: request.finish ?? "stop")] + (request.retry.map { [$0] } ?? [])
                generator = ReplayGenerator(vocabulary: vocabulary, fimTokens: fim, generations: recorded.map {
                    RecordedGeneration(pieces: $0.pieces, ending: Self.ending($0.finish))
                })
            } else {
                if recorder == nil {
                    recorder = RecordingGenerator(try SessionGenerator(modelPath: modelPath, threads: engine.threads,
                                                                       draftTokens: engine.draftTokens))
                }
                recorder!.clear()
                generator = recorder!
            }
            let path = request.path ?? "fim-batch"
            let input = CompletionInput(
                mode: .inline, uri: URL(fileURLWithPath: path).absoluteString, languageId: request.languageId ?? "",
                version: 1, prefix: request.prefix, suffix: request.suffix, maxNewTokens: maxTokens,
                deadline: .now + .seconds(24 * 3600), contextTokens: contextTokens, precompute: false, invoked: (request.trigger ?? 1) == 1)
            let answer = try CompletionPipeline(generator: generator).complete(input, cancellation: CancellationToken())
            var generations = request.pieces.map { pieces in
                [Recorded(pieces: pieces, finish: request.finish ?? "stop")] + (request.retry.map { [$0] } ?? [])
            } ?? recorder!.generations.map { Recorded(pieces: $0.pieces, finish: Self.finish($0.ending)) }
            if generations.isEmpty { generations = [Recorded(pieces: [], finish: "stop")] }
            var response = Response(
                pieces: generations[0].pieces, finish: generations[0].finish, retry: generations.dropFirst().first,
                middle: answer.edit?.text, replaced: answer.edit?.replacedCharactersAfterCursor ?? 0, indentBelow: answer.edit?.indentBelow, promptTokens: answer.output.promptTokens,
                reusedTokens: answer.output.reusedPromptTokens)
            if request.pieces == nil {
                for counts in recorder!.counts {
                    response.decodeSeconds += counts.decodeSeconds
                    response.decodeSteps += counts.decodeSteps
                    response.draftedTokens += counts.draftedTokens
                    response.acceptedDraftTokens += counts.acceptedDraftTokens
                }
            }
            FileHandle.standardOutput.write(try encoder.encode(response) + Data("\n".utf8))
        }
    }

    static func finish(_ ending: Generation.Ending) -> String {
        switch ending {
        case .stopToken: return "stop"
        case .maxTokens: return "max"
        case .stopped: return "stopped"
        case .contextFull: return "context"
        case .noAllowedToken: return "none"
        }
    }

    static func ending(_ finish: String) -> Generation.Ending {
        switch finish {
        case "max": return .maxTokens
        case "stopped": return .stopped
        case "context": return .contextFull
        case "none": return .noAllowedToken
        default: return .stopToken(-1)
        }
    }
}
