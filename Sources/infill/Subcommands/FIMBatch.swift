import ArgumentParser
import Completion
import Foundation
import LlamaEngine

/// `infill fim-batch` (hidden, a development tool): FIM requests as JSON lines on stdin, one JSON
/// line out per request. A request with `pieces` (the decoded tokens of an earlier run) is only
/// trimmed again, so a change to the trimming passes can be scored on a benchmark's recorded raw
/// generations in seconds instead of re-running the model. Without `pieces` the model generates
/// greedily up to a stop token or `maxTokens`, with no streaming stop, and the raw pieces come back
/// with the trimmed middle. Same prompt and trimming as the server's inline completion.
///
/// in:  {"prefix": "...", "suffix": "...", "path": "a.py", "languageId": "python", "pieces": [...]?, "trigger": 1|2?}
/// out: {"pieces": [...], "finish": "stop"|"max", "middle": "..."|null, "replaced": N, "indentBelow": {...}?, "promptTokens": N, "reusedTokens": N}
/// `trigger`: the LSP trigger kind whose trimming applies (1 invoked, the default, as the HumanEval
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

    struct Request: Decodable {
        var prefix: String
        var suffix: String
        var path: String?
        var languageId: String?
        var pieces: [String]?
        var finish: String?
        var trigger: Int?
    }

    struct Response: Encodable {
        var pieces: [String]
        var finish: String
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
        let builder = PromptBuilder(tokens: fim, budget: PromptBudget(fileTokens: contextTokens * 3 / 4, extraContextTokens: 0))
        var session: Session? = nil
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        while let line = readLine(strippingNewline: true) {
            guard !line.isEmpty else { continue }
            let request = try decoder.decode(Request.self, from: Data(line.utf8))
            let plan = CompletionPlan(
                builder: builder, vocabulary: vocabulary, prefix: request.prefix, suffix: request.suffix,
                path: request.path, language: request.languageId.flatMap { DocLanguage(languageID: $0) },
                followsModel: (request.trigger ?? 1) == 1)
            var pieces = request.pieces ?? []
            var finish = request.finish ?? "stop"
            var reused = 0
            var stats = GenerationStats()
            if request.pieces == nil {
                if session == nil { session = try Session(model: llama, options: SessionOptions(threads: engine.threads, draftTokens: engine.draftTokens)) }
                let result: GenerationResult = try session!.generate(prompt: plan.prompt.tokens, maxTokens: maxTokens,
                                                   stop: plan.prompt.stopTokens,
                                                   startingWith: plan.requiredStart) { _, text in
                    pieces.append(text)
                    return .continue
                }
                finish = result.finishReason == .maxTokens ? "max" : "stop"
                reused = result.stats.reusedTokens
                stats = result.stats
            }
            // The server's run, replayed: the streaming stop looks at the text after every token.
            var generated = ""
            var stoppedEarly = false
            for piece in pieces {
                generated += piece
                if plan.shouldStop(generatedSoFar: generated) { stoppedEarly = true; break }
            }
            let edit = plan.edit(for: generated, truncated: !stoppedEarly && finish == "max",
                                 endedByModel: !stoppedEarly && finish == "stop")
            let response = Response(pieces: pieces, finish: finish, middle: edit?.text, replaced: edit?.replacedCharactersAfterCursor ?? 0, indentBelow: edit?.indentBelow, promptTokens: plan.prompt.tokens.count,
                                    reusedTokens: reused, decodeSeconds: stats.decodeSeconds, decodeSteps: stats.decodeSteps,
                                    draftedTokens: stats.draftedTokens, acceptedDraftTokens: stats.acceptedDraftTokens)
            FileHandle.standardOutput.write(try encoder.encode(response) + Data("\n".utf8))
        }
    }
}
