import Completion
import Foundation
import LlamaEngine
import Tokenizer

/// The backend `infill lsp` and `infill complete` use: the FIM prompt of the model's family
/// (Completion) → LlamaEngine with KV-cache reuse across requests → trimming (Completion).
///
/// One generation at a time (the server serialises calls); the lock only makes that explicit for
/// the compiler, since `Session` holds the mutable KV cache.
public final class EngineBackend: CompletionBackend, @unchecked Sendable {
    public let model: LlamaModel
    private let session: Session
    private let vocabulary: TokenizerVocabulary
    private let fimTokens: FIMTokens
    private let lock = NSLock()
    /// The last completion shown per document, so typing its first characters is answered from it
    /// without running the model (typing-through). Guarded by `lock`.
    private var shown: [String: ShownCompletion] = [:]

    public static let loader: BackendLoader = { configuration, progress in
        let path = configuration.modelPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineBackendError(
                "model file \(path) not found (model \"\(configuration.model)\"); run scripts/fetch-models, "
                    + "or pass --model with a pinned name or a GGUF path")
        }
        progress("loading \((path as NSString).lastPathComponent)", 10)
        let backend = try EngineBackend(modelPath: path, threads: configuration.threads)
        progress("\(backend.model.config.architecture) ready, \(backend.fimTokens.format.name) FIM", 100)
        return backend
    }

    public init(modelPath: String, threads: Int?) throws {
        do {
            model = try LlamaModel(path: modelPath)
            session = try Session(model: model, options: SessionOptions(threads: threads))
        } catch {
            throw EngineBackendError("\(error)")
        }
        vocabulary = TokenizerVocabulary(model.tokenizer)
        do {
            fimTokens = try FIMTokens.detect(in: vocabulary, model: (modelPath as NSString).lastPathComponent)
        } catch {
            throw EngineBackendError("\(error)")
        }
    }

    public func complete(_ input: CompletionInput, isCancelled: @escaping @Sendable () -> Bool) async throws
        -> CompletionOutput {
        if input.mode != .docstring, let answer = typedThrough(input) { return answer }
        let budget = PromptBudget(
            fileTokens: input.contextTokens * 3 / 4,
            extraContextTokens: input.otherDocuments.isEmpty ? 0 : input.contextTokens / 4)
        let builder = PromptBuilder(tokens: fimTokens, budget: budget)
        let policy: LinePolicy
        switch input.multiline {
        case .auto: policy = input.mode == .docstring ? .multiLine : .auto
        case .always: policy = .multiLine
        case .never: policy = .singleLine
        }
        let plan = CompletionPlan(
            builder: builder, vocabulary: vocabulary, prefix: input.prefix, suffix: input.suffix,
            path: URL(string: input.uri)?.path ?? input.uri,
            // Stable order (by path), so the context part of the prompt, which comes first, stays
            // in the KV cache while the user types.
            context: input.otherDocuments.sorted { $0.uri < $1.uri }
                .map { ContextFile(path: URL(string: $0.uri)?.path ?? $0.uri, text: $0.text) },
            language: DocLanguage(languageID: input.languageId), policy: policy, extraStopStrings: input.stop)

        var generated = ""
        var hitDeadline = false
        let deadline = input.deadline
        let result: GenerationResult
        do {
            result = try lock.withLock {
                try session.generate(prompt: plan.prompt.tokens, maxTokens: input.maxNewTokens,
                                     stop: plan.prompt.stopTokens) { _, text in
                    generated += text
                    if isCancelled() || plan.shouldStop(generatedSoFar: generated) { return .stop }
                    // Past the time limit, finish at a line boundary rather than mid-line.
                    if ContinuousClock.now >= deadline, generated.hasSuffix("\n") {
                        hitDeadline = true
                        return .stop
                    }
                    return .continue
                }
            }
        } catch {
            throw EngineBackendError("\(error)")
        }
        if isCancelled() { throw CancellationError() }
        // Cut short by the token or time limit: the model had not finished, so trimming must not
        // trust the shape of its last block.
        let truncated = result.finishReason == .maxTokens || hitDeadline
        let endedByModel: Bool
        if case .stopToken = result.finishReason { endedByModel = true } else { endedByModel = false }
        let edit = input.mode == .docstring ? nil : plan.edit(for: generated, truncated: truncated, endedByModel: endedByModel)
        if input.mode != .docstring {
            lock.withLock {
                shown[input.uri] = edit.map { ShownCompletion(prefix: input.prefix, suffix: input.suffix, middle: $0.text) }
            }
        }
        let middle = input.mode == .docstring
            ? Self.docstringBody(generated, stops: plan.prompt.stopStrings + input.stop)
            : edit?.text ?? ""
        return CompletionOutput(middle: middle, replacedCharactersAfterCursor: edit?.replacedCharactersAfterCursor,
                                promptTokens: result.stats.promptTokens,
                                reusedPromptTokens: result.stats.reusedTokens,
                                generatedTokens: result.stats.generatedTokens)
    }
}

extension EngineBackend {
    /// The rest of the last completion when the user typed its beginning; nil otherwise.
    private func typedThrough(_ input: CompletionInput) -> CompletionOutput? {
        guard let last = lock.withLock({ shown[input.uri] }),
              let edit = TypingThrough.remaining(after: last, prefix: input.prefix, suffix: input.suffix),
              !edit.text.isEmpty else { return nil }
        return CompletionOutput(middle: edit.text, replacedCharactersAfterCursor: edit.replacedCharactersAfterCursor)
    }

    /// Docstrings skip the code trimming passes: the text ends at the closer (or a stop token's
    /// name) and loses trailing blanks; the server lays it out with the function's indentation.
    static func docstringBody(_ generated: String, stops: [String]) -> String {
        var body = Substring(generated)
        for stop in stops where !stop.isEmpty {
            if let r = body.range(of: stop) { body = body[..<r.lowerBound] }
        }
        while let last = body.last, last.isWhitespace { body.removeLast() }
        return String(body)
    }
}

public struct EngineBackendError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
