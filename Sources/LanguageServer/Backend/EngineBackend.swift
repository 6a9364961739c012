import Completion
import Foundation
import LlamaEngine
import Tokenizer

/// The backend `infill lsp` and `infill complete` use: the FIM prompt of the model's family
/// (Completion) → LlamaEngine with KV-cache reuse across requests → trimming (Completion).
///
/// The server runs one request at a time. Between requests the engine precomputes the completion
/// that will be asked for once the one just shown is accepted; a new request cancels that between
/// tokens (or between 32-token chunks of its prompt), so it waits at most that long for the engine.
public final class EngineBackend: CompletionBackend, @unchecked Sendable {
    public let model: LlamaModel
    private let session: Session
    private let vocabulary: TokenizerVocabulary
    private let fimTokens: FIMTokens
    /// Held while the engine (the session's KV cache) is in use.
    private let engineLock = NSLock()
    /// Guards `shown`, `upcoming`, `windows` and `requestCount`.
    private let stateLock = NSLock()
    /// The last completion shown per document, so typing its first characters is answered from it
    /// without running the model (typing-through).
    private var shown: [String: ShownCompletion] = [:]
    /// Per document, the completion precomputed for the document as it will be once the shown one is
    /// accepted, with the answer to give then.
    private var upcoming: [String: (completion: ShownCompletion, output: CompletionOutput)] = [:]
    /// Per document, where the prompt whose tokens the KV cache holds cut it (`FIMPrompt.window`):
    /// requests cut it there again while that keeps enough, so a cursor moved up or down runs only the
    /// lines around the cursor. Idle time grows the window back (`growWindow`).
    private var windows: [String: PromptWindow] = [:]
    /// How long decoding takes per generated token, averaged over recent generations
    /// (`FirstAnswer.afterTokens`).
    private var tokenTime: Duration?
    /// Tokens per unbroken chunk of a prompt run while typing (`prefill`).
    private let unbrokenChunk: Int
    /// Counts requests; a precompute stops when it changes.
    private var requestCount = 0
    /// Requests that ran the model themselves (not answered from a precompute or typing-through).
    private(set) var requestsThatRan = 0
    /// Generations run (a retry is a second one; tests).
    private(set) var attemptsRun = 0
    /// The precompute running, until `upcoming` holds its answer or it stopped; signalled when that ends.
    private var precomputing: RunningPrecompute?
    private let precomputeEnded = NSCondition()
    /// Whether to precompute the next completion after each one shown (`infill complete` does not).
    public var precomputesNext = true

    public static let loader: BackendLoader = { configuration, progress in
        let path = configuration.modelPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineBackendError(
                "model file \(path) not found (model \"\(configuration.model)\"); run scripts/fetch-models, "
                    + "or pass --model with a pinned name or a GGUF path")
        }
        progress("loading \((path as NSString).lastPathComponent)", 10)
        let backend = try EngineBackend(modelPath: path, threads: configuration.threads,
                                          draftTokens: configuration.draftTokens)
        progress("\(backend.model.config.architecture) ready, \(backend.fimTokens.format.name) FIM", 100)
        return backend
    }

    public init(modelPath: String, threads: Int?, draftTokens: Int = SessionOptions().draftTokens) throws {
        do {
            model = try LlamaModel(path: modelPath)
            session = try Session(model: model, options: SessionOptions(threads: threads, draftTokens: draftTokens))
        } catch {
            throw EngineBackendError("\(error)")
        }
        vocabulary = TokenizerVocabulary(model.tokenizer)
        let classifier = model.weights.output
        unbrokenChunk = Self.unbrokenChunk(layerElements: model.weights.matrixElementsPerToken - classifier.rows * classifier.cols)
        do {
            fimTokens = try FIMTokens.detect(in: vocabulary, model: (modelPath as NSString).lastPathComponent)
        } catch {
            throw EngineBackendError("\(error)")
        }
    }

    public func complete(_ input: CompletionInput, isCancelled: @escaping @Sendable () -> Bool) async throws
        -> CompletionOutput {
        let started = ContinuousClock.now
        let answerBy = answerBy(input, started: started)
        // Answered from what is shown or precomputed: a running precompute is still of use. When it
        // is computing this very document (the user typed all of what was shown), its answer comes
        // sooner than a new run's.
        if input.mode != .docstring {
            if let answer = precomputedAnswer(for: input) ?? typedThrough(input) { return answer }
            // Looked at again even without a wait: the precompute may have finished meanwhile.
            let waited = waitForPrecompute(of: input, answerBy: answerBy, isCancelled: isCancelled)
            if let answer = precomputedAnswer(for: input, waitedForIt: waited) { return answer }
        }
        let request = stateLock.withLock {  // stops a precompute
            requestCount += 1
            requestsThatRan += 1
            return requestCount
        }
        let (output, edit, early) = try run(input, chunkedPrefill: false, answerBy: { answerBy }, isCancelled: isCancelled)
        if input.mode != .docstring {
            stateLock.withLock {
                shown[input.uri] = edit.map {
                    ShownCompletion(prefix: input.prefix, suffix: input.suffix, middle: $0.text, indentBelow: $0.indentBelow,
                                    unfinished: output.answeredEarly)
                }
                upcoming[input.uri] = nil
            }
            // Not after a completion that also indents the code below: that document is another guess.
            if let edit, edit.indentBelow == nil, precomputesNext, input.precompute {
                precomputeAfterAccepting(edit, of: input, timeLimit: input.deadline - started, request: request, continuing: early)
            }
        }
        return output
    }

    /// The prompt and trimming for `input`, the document cut where the last prompt for it cut it
    /// (`PromptBuilder`) unless `freshWindow`.
    private func plan(for input: CompletionInput, freshWindow: Bool = false) -> CompletionPlan {
        // A budget past the engine's context would fail every long document; the prompt may pass the
        // budget by a cursor line's step and the FIM tokens (`PromptBuilder`), and the answer needs room.
        let contextTokens = min(input.contextTokens, max(64, session.contextLength - min(input.maxNewTokens, 4096) - 80))
        let budget = PromptBudget(
            fileTokens: contextTokens * 3 / 4,
            extraContextTokens: input.otherDocuments.isEmpty ? 0 : contextTokens / 4)
        let builder = PromptBuilder(tokens: fimTokens, budget: budget)
        let policy: LinePolicy
        switch input.multiline {
        case .auto: policy = input.mode == .docstring ? .multiLine : .auto
        case .always: policy = .multiLine
        case .never: policy = .singleLine
        }
        return CompletionPlan(
            builder: builder, vocabulary: vocabulary, prefix: input.prefix, suffix: input.suffix,
            path: URL(string: input.uri)?.path ?? input.uri,
            // Stable order (by path), so the context part of the prompt, which comes first, stays
            // in the KV cache while the user types.
            context: input.otherDocuments.sorted { $0.uri < $1.uri }
                .map { ContextFile(path: URL(string: $0.uri)?.path ?? $0.uri, text: $0.text) },
            language: DocLanguage(languageID: input.languageId), policy: policy, extraStopStrings: input.stop,
            lastWindow: freshWindow ? nil : stateLock.withLock { windows[input.uri] },
            followsModel: input.invoked || input.mode == .completion)
    }

    /// Prompt → engine → trimming for one request, with one retry when trimming leaves nothing.
    /// `answerBy`: when to answer with the whole words so far (`CompletionInput.firstAnswer`; a
    /// precompute learns it when a request starts waiting for it).
    /// An early answer also returns where it stopped (`EarlyStop`).
    private func run(_ input: CompletionInput, chunkedPrefill: Bool, answerBy: @escaping () -> ContinuousClock.Instant?,
                     isCancelled: @escaping @Sendable () -> Bool) throws -> (CompletionOutput, CompletionEdit?, EarlyStop?) {
        let plan = plan(for: input)
        if isCancelled() { throw CancellationError() }  // a late precompute must not move the cut
        stateLock.withLock { windows[input.uri] = plan.prompt.window }
        // Requests made while typing are the ones the next keystroke supersedes; one the user asked for
        // (and docstrings) runs its prompt in whole batches, as the quality benchmarks measured it.
        let typing = !input.invoked && input.mode != .docstring
        let ranAhead = chunkedPrefill ? try prefill(plan.prompt.tokens, chunk: 32, unbroken: false, isCancelled: isCancelled)
            : typing ? try prefill(plan.prompt.tokens, chunk: unbrokenChunk, unbroken: true, isCancelled: isCancelled) : 0
        let first = try generate(plan, input: input, answerBy: answerBy, isCancelled: isCancelled)
        var attempt = first
        var edit = input.mode == .docstring ? nil : attempt.edit(plan)
        // The answer only repeated code the document already has, so trimming left nothing: ask once
        // more with its first word excluded (the prompt is still in the KV cache, so this is cheap).
        // Past the time limit too: that try ends at its first line break, and a line beats nothing.
        // An explicit request the model answered with nothing gets its best answer that says something.
        // Not once the answer is due (`answerBy`): nothing now beats a line later. Not when an automatic
        // request's answer ended the user's line and then repeated the code below: the model says the line
        // is done, and a different next line forced out of it is seldom wanted (at the end of each line
        // typed, that try cost a keystroke's model time for nothing).
        if input.mode != .docstring, edit == nil, answerBy().map({ ContinuousClock.now < $0 }) ?? true,
           let retry = attempt.retry(healed: plan.prompt.healedText, endingIt: input.invoked ? plan.prompt.stopTokens : nil),
           input.invoked || !retry.kept.pieces.joined().contains(where: \.isNewline) {
            let second = try generate(plan, input: input, after: retry.kept, excluding: retry.excluded, answerBy: answerBy,
                                      isCancelled: isCancelled)
            if let secondEdit = second.edit(plan) {
                edit = secondEdit
                attempt = second
            }
        }
        let early = attempt.answeredEarly ? edit.flatMap { EarlyStop(plan: plan, attempt: attempt, words: $0.text) } : nil
        let generated = attempt.text
        let middle = input.mode == .docstring
            ? Self.docstringBody(String(plan.middle(inGenerated: generated)), stops: plan.prompt.stopStrings + input.stop)
            : edit?.text ?? ""
        let output = CompletionOutput(
            middle: middle, replacedCharactersAfterCursor: edit?.replacedCharactersAfterCursor,
            indentBelow: edit?.indentBelow, promptTokens: first.result?.stats.promptTokens ?? 0,
            reusedPromptTokens: max(0, (first.result?.stats.reusedTokens ?? 0) - ranAhead),
            generatedTokens: attempt.tokens.count, answeredEarly: attempt.answeredEarly && edit != nil)
        return (output, edit, early)
    }

    /// The rest of an early answer (`early`, for `input`): generation goes on from the model's own
    /// tokens for the words shown, which the KV cache still holds, as if it had not stopped. Nil when
    /// the finished answer no longer starts with those words.
    private func continueAnswer(_ early: EarlyStop, of input: CompletionInput, answerBy: () -> ContinuousClock.Instant?,
                                isCancelled: @escaping @Sendable () -> Bool) throws -> (CompletionOutput, CompletionEdit?)? {
        let attempt = try generate(early.plan, input: input, after: early.start, answerBy: answerBy, isCancelled: isCancelled)
        guard var rest = attempt.edit(early.plan), rest.text.hasPrefix(early.words) else { return nil }
        rest.text = String(rest.text.dropFirst(early.words.count))
        let stats = attempt.result?.stats
        let output = CompletionOutput(
            middle: rest.text, replacedCharactersAfterCursor: rest.replacedCharactersAfterCursor, indentBelow: rest.indentBelow,
            promptTokens: stats?.promptTokens ?? 0, reusedPromptTokens: stats?.reusedTokens ?? 0,
            generatedTokens: attempt.tokens.count - early.start.tokens.count, answeredEarly: attempt.answeredEarly)
        return (output, rest.text.isEmpty ? nil : rest)
    }
}

extension EngineBackend {
    public func forget(_ uri: String) {
        stateLock.withLock {
            shown[uri] = nil
            upcoming[uri] = nil
            windows[uri] = nil
        }
    }

    /// Runs the engine on the plan's prompt followed by `after` (the start of an earlier answer),
    /// stopping at the plan's stops, the time limit (at a line boundary) or cancellation.
    private func generate(_ plan: CompletionPlan, input: CompletionInput, after: EngineAttempt.Start = .init(),
                          excluding: Set<Int32> = [], answerBy: () -> ContinuousClock.Instant?,
                          isCancelled: @escaping @Sendable () -> Bool) throws
        -> EngineAttempt {
        var attempt = EngineAttempt(start: after)
        let deadline = input.deadline
        stateLock.withLock { attemptsRun += 1 }
        do {
            let result = try engineLock.withLock {
                try Self.checkNotCancelled(isCancelled)
                // A request that supersedes this one stops it within a layer (`interrupt`), not a whole
                // step or prompt batch: a running precompute then costs a keystroke a few milliseconds.
                return try session.generate(prompt: plan.prompt.tokens + after.tokens, maxTokens: input.maxNewTokens,
                                     stop: plan.prompt.stopTokens, excludingFirst: excluding,
                                     startingWith: Array(plan.requiredStart.dropFirst(after.pieces.joined().utf8.count)),
                                     onToken: { token, text in
                    attempt.append(token, text)
                    if isCancelled() || plan.shouldStop(generatedSoFar: attempt.text) { return .stop }
                    // Answer by `answerBy`, not a step after it: stop when the next step would end later.
                    if let answerBy = answerBy(), ContinuousClock.now + attempt.stepTime >= answerBy,
                       EngineAttempt.wholeWords(plan.middle(inGenerated: attempt.text)).contains(where: { !$0.isWhitespace }) {
                        attempt.answeredEarly = true
                        return .stop
                    }
                    // Past the time limit, finish at a line boundary rather than mid-line.
                    if ContinuousClock.now >= deadline, attempt.endsALineOfCode {
                        attempt.hitDeadline = true
                        return .stop
                    }
                    return .continue
                }, interrupt: isCancelled)
            }
            attempt.finish(result)
            recordTokenTime(result.stats)
        } catch {
            if isCancelled() { throw CancellationError() }
            throw EngineBackendError("\(error)")
        }
        if isCancelled() { throw CancellationError() }
        return attempt
    }

    /// The answer precomputed for this exact document, now shown; the precompute after accepting it
    /// starts. `waitedForIt`: the request waited for the precompute, so its statistics are this
    /// request's.
    private func precomputedAnswer(for input: CompletionInput, waitedForIt: Bool = false) -> CompletionOutput? {
        let started = ContinuousClock.now
        let prefix = LineEnding.normalized(input.prefix), suffix = LineEnding.normalized(input.suffix)
        guard let next = stateLock.withLock({ upcoming[input.uri] }),
              next.completion.prefix == prefix, next.completion.suffix == suffix else { return nil }
        let request = stateLock.withLock {
            shown[input.uri] = next.completion.middle.isEmpty ? nil : next.completion
            upcoming[input.uri] = nil
            requestCount += 1  // a new precompute, and the last one's idle work stops
            return requestCount
        }
        let answer = next.output
        if !answer.middle.isEmpty, answer.indentBelow == nil, precomputesNext, input.precompute {
            precomputeAfterAccepting(CompletionEdit(text: answer.middle, replacedCharactersAfterCursor: answer.replacedCharactersAfterCursor ?? 0),
                                     of: input, timeLimit: input.deadline - started, request: request)
        }
        // Statistics stay with the precompute when this answer cost the request nothing. An empty
        // middle is an answer too: the model had nothing to propose there.
        if waitedForIt { return answer }
        return CompletionOutput(middle: answer.middle, replacedCharactersAfterCursor: answer.replacedCharactersAfterCursor,
                                answeredEarly: answer.answeredEarly)
    }

    /// The rest of the last completion (shown or precomputed) when the user typed its beginning; nil
    /// otherwise.
    private func typedThrough(_ input: CompletionInput) -> CompletionOutput? {
        let (last, next) = stateLock.withLock { (shown[input.uri], upcoming[input.uri]) }
        // Partway through an unfinished answer, the rest of the line follows once it is computed.
        let shownSoFar = last.flatMap { shown in next.flatMap { shown.continued(by: $0.completion) } } ?? last
        for candidate in [shownSoFar, next?.completion].compactMap({ $0 }) {
            if let edit = TypingThrough.remaining(after: candidate, prefix: input.prefix, suffix: input.suffix),
               !edit.text.isEmpty {
                return CompletionOutput(middle: edit.text, replacedCharactersAfterCursor: edit.replacedCharactersAfterCursor,
                                        indentBelow: edit.indentBelow)
            }
        }
        return nil
    }

    /// Computes, in the background, the completion for the document as it will be once `edit` is
    /// accepted (its text inserted, the closers it replaces gone, the cursor after it). Any new
    /// request stops it. `continuing`: `edit` was an early answer, whose generation goes on.
    private func precomputeAfterAccepting(_ edit: CompletionEdit, of input: CompletionInput,
                                          timeLimit: Duration, request: Int, continuing early: EarlyStop? = nil) {
        var accepted = input
        accepted.invoked = false  // nobody asked for it: the model's "nothing" stands
        accepted.prefix = input.prefix + edit.text
        accepted.suffix = String(input.suffix.dropFirst(edit.replacedCharactersAfterCursor))
        accepted.firstAnswer = .whenFinished  // nobody waits for it, unless a request comes to (`waitForPrecompute`)
        let snapshot = accepted
        let isCancelled: @Sendable () -> Bool = { [weak self] in
            guard let self else { return true }
            return self.stateLock.withLock { self.requestCount != request }
        }
        precomputeEnded.withLock {
            precomputing = RunningPrecompute(request: request, uri: accepted.uri, prefix: LineEnding.normalized(accepted.prefix),
                                             suffix: LineEnding.normalized(accepted.suffix))
        }
        // A thread of its own: the engine blocks while it runs, and Swift's cooperative threads (one
        // per core) must stay free for the server's requests.
        let thread = Thread { [weak self] in
            guard let self else { return }
            defer { self.precomputeStopped(request) }
            guard !isCancelled() else { return }
            var next = snapshot
            next.deadline = .now + timeLimit
            let answerBy = { [weak self] () -> ContinuousClock.Instant? in
                guard let self else { return nil }
                return self.precomputeEnded.withLock { self.precomputing?.request == request ? self.precomputing?.answerBy : nil }
            }
            var original = input
            original.deadline = next.deadline
            original.firstAnswer = .whenFinished
            let result = early.flatMap { try? self.continueAnswer($0, of: original, answerBy: answerBy, isCancelled: isCancelled) }
                ?? (try? self.run(next, chunkedPrefill: true, answerBy: answerBy, isCancelled: isCancelled)).map { ($0.0, $0.1) }
            guard let (output, nextEdit) = result else { return }
            self.stateLock.withLock {
                guard self.requestCount == request else { return }
                self.upcoming[next.uri] = (ShownCompletion(prefix: next.prefix, suffix: next.suffix,
                                                           middle: nextEdit?.text ?? "", unfinished: output.answeredEarly), output)
            }
            self.precomputeStopped(request)
            try? self.growWindow(next, isCancelled: isCancelled)
        }
        thread.qualityOfService = .utility
        thread.start()
    }

    /// When a request started at `started` answers with what it has (`CompletionInput.firstAnswer`).
    private func answerBy(_ input: CompletionInput, started: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        switch input.firstAnswer {
        case .whenFinished: return nil
        case .after(let wait): return started + wait
        case .afterTokens(let tokens):
            // Unmeasured yet: the first requests answer once finished.
            return stateLock.withLock { tokenTime }.map { started + $0 * tokens }
        }
    }

    private func recordTokenTime(_ stats: GenerationStats) {
        guard stats.decodeTokens > 0 else { return }
        let perToken = Duration.seconds(stats.decodeSeconds / Double(stats.decodeTokens))
        stateLock.withLock { tokenTime = tokenTime.map { $0 * 0.7 + perToken * 0.3 } ?? perToken }
    }

    private func precomputeStopped(_ request: Int) {
        precomputeEnded.withLock {
            guard precomputing?.request == request else { return }  // a later one's
            precomputing = nil
            precomputeEnded.broadcast()
        }
    }

    /// Waits while a precompute computes the completion for `input`'s very document (the user
    /// accepted or typed all of the shown one before it finished): it has run part of the way, a
    /// new run would start over. It answers by `answerBy` from then on. True when one was
    /// waited for.
    private func waitForPrecompute(of input: CompletionInput, answerBy: ContinuousClock.Instant?, isCancelled: () -> Bool) -> Bool {
        precomputeEnded.lock()
        defer { precomputeEnded.unlock() }
        guard let running = precomputing, running.uri == input.uri,
              running.prefix == LineEnding.normalized(input.prefix), running.suffix == LineEnding.normalized(input.suffix)
        else { return false }
        precomputing?.answerBy = answerBy
        // Polls cancellation: a newer request for the document stops this one, not the precompute.
        while precomputing != nil, !isCancelled() {
            precomputeEnded.wait(until: Date().addingTimeInterval(0.02))
        }
        return true
    }

    /// Idle time after a precompute: brings the KV cache to `input`'s prompt with the document cut
    /// afresh, so a prefix or suffix kept short after the cursor moved grows back while nobody waits on
    /// it. The new cut counts (the next prompts cut there) once all of that prompt is cached; an
    /// interrupted growth leaves the cut where it was.
    private func growWindow(_ input: CompletionInput, isCancelled: @escaping @Sendable () -> Bool) throws {
        let grown = plan(for: input, freshWindow: true)
        guard stateLock.withLock({ windows[input.uri] }) != grown.prompt.window else { return }
        // Placing the cached text in the grown prompt runs the tokens between its moved runs first,
        // and no request can interrupt that: a long run would hold the engine for seconds (the 1.5B
        // runs about 70 tokens a second here). Then the window stays; a request grows it when it must.
        let uninterruptible = try engineLock.withLock {
            try Self.checkNotCancelled(isCancelled)
            return session.tokensRunBetweenMoves(for: grown.prompt.tokens)
        }
        guard uninterruptible <= Self.longestIdleRunBetweenMoves else { return }
        try prefill(grown.prompt.tokens, chunk: 32, unbroken: false, isCancelled: isCancelled)
        if isCancelled() { return }
        stateLock.withLock { windows[input.uri] = grown.prompt.window }
    }

    /// Most tokens idle work runs between moved text, where a request cannot interrupt it (one
    /// prefill batch: about half a second on the 1.5B here).
    static let longestIdleRunBetweenMoves = 32

    /// Where prompts for `uri` cut the document now (`FIMPrompt.window`), if anywhere yet.
    func window(for uri: String) -> PromptWindow? {
        stateLock.withLock { windows[uri] }
    }

    /// The middle precomputed for `uri` once the shown completion is accepted, if one is ready.
    func upcomingMiddle(for uri: String) -> String? {
        stateLock.withLock { upcoming[uri]?.output.middle }
    }

    /// Brings the KV cache up to `prompt` in chunks of `chunk` tokens, releasing the engine between
    /// them, and returns the prompt tokens it ran; the chunks finished stay cached whatever happens next.
    /// Interruptible (idle work: a precompute, window growth): a request arriving meanwhile interrupts
    /// the running chunk within a layer. Unbroken (a request made while typing): a newer request that
    /// supersedes this one waits for the running chunk and goes on from it, and the last chunk's worth
    /// is left to `generate`, which such a request does interrupt within a layer. Interrupted within a
    /// layer, a long prompt would leave the cache where it was: opening a file and typing, each keystroke
    /// came before a prompt batch could finish, and no ghost text came for a whole line (0.5B, a keystroke
    /// every 200 ms: none for 61 keystrokes, the last answer 9.7 s after the typing).
    @discardableResult
    private func prefill(_ prompt: [Int32], chunk: Int, unbroken: Bool,
                         isCancelled: @escaping @Sendable () -> Bool) throws -> Int {
        let start = try engineLock.withLock {
            try Self.checkNotCancelled(isCancelled)
            return session.reuseCache(for: prompt)
        }
        var end = start
        let last = prompt.count - 1 - (unbroken ? chunk : 0)
        let interrupt: (() -> Bool)? = unbroken ? nil : { isCancelled() }
        while end < last {
            if isCancelled() { throw CancellationError() }
            end = min(prompt.count - 1, end + chunk)
            let part = Array(prompt[..<end])
            do {
                try engineLock.withLock {
                    try Self.checkNotCancelled(isCancelled)  // a newer request ran meanwhile: keep its cache
                    _ = try session.evaluate(part, interrupt: interrupt)
                }
            } catch EngineError.interrupted {
                throw CancellationError()
            }
        }
        return end - start
    }

    /// Tokens per unbroken chunk (`prefill`): half a second to a second of prompt on 2 AVX2 cores
    /// (prefill multiplies 60-95 billion weights a second here: 128 tokens for the 0.5B, 32 for the
    /// 1.5B), a power of two from 32 to 256. Fixed per model, not measured: batch sizes change the
    /// rounding of the cached keys and values, and completions should not depend on how busy the
    /// machine was. `layerElements`: weight elements of the layers' matrices, per token.
    static func unbrokenChunk(layerElements: Int) -> Int {
        let tokens = 60e9 / Double(max(1, layerElements))
        var chunk = 32
        while chunk < 256, Double(chunk * 2) <= tokens { chunk *= 2 }
        return chunk
    }

    /// Checked with the engine held, before anything that changes the KV cache: a precompute that
    /// waited for the engine while a newer request ran would otherwise cut that request's prompt out
    /// of the cache (`reuseCache` keeps only what its own prompt shares), and the next keystroke would
    /// run it again.
    private static func checkNotCancelled(_ isCancelled: () -> Bool) throws {
        if isCancelled() { throw CancellationError() }
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

/// Where an early answer stopped: the plan it ran and the tokens that wrote its words (through the
/// healed text), so the precompute goes on with the model's own tokens rather than the words
/// tokenized again, which may tell the model a different story (`trip()) >` went on ` width:`
/// where the uninterrupted answer said ` self.width:`).
struct EarlyStop {
    let plan: CompletionPlan
    let start: EngineAttempt.Start
    /// The answer given (the edit's text).
    let words: String

    /// Nil when no run of the attempt's tokens writes exactly the healed text and the words.
    init?(plan: CompletionPlan, attempt: EngineAttempt, words: String) {
        let written = plan.prompt.healedText + words
        var text = "", count = 0
        while count < attempt.pieces.count, text.utf8.count < written.utf8.count {
            text += attempt.pieces[count]
            count += 1
        }
        guard text == written else { return nil }
        self.plan = plan
        start = EngineAttempt.Start(tokens: Array(attempt.tokens[..<count]), pieces: Array(attempt.pieces[..<count]))
        self.words = words
    }
}

/// A precompute's document, and when to answer once a request waits for it.
private struct RunningPrecompute {
    var request: Int
    var uri: String
    var prefix: String
    var suffix: String
    var answerBy: ContinuousClock.Instant?
}

public struct EngineBackendError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
