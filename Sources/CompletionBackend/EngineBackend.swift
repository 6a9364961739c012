import Completion
import Foundation

/// The backend `infill lsp` and `infill complete` use: the completion pipeline (FIM prompt of the
/// model's family → generator → trimming) over one generator, whose worker runs the requests and,
/// between them, idle work: the completion that will be asked for once the one just shown is
/// accepted (precompute), then the prompt window grown back. A request cancels idle work, which stops
/// within a layer of the model (or a 32-token chunk of its prompt), so it waits at most that long.
/// What it remembers per document is a `DocumentCompletionCache`.
public final class EngineBackend: CompletionBackend, @unchecked Sendable {
    /// The generator's vocabulary (prompts are planned on the worker; this is for callers' counts).
    public let vocabulary: any TokenVocabulary
    private let worker: GeneratorWorker
    private let state = Guarded(State())
    /// Whether to precompute the next completion after each one shown (`infill complete` does not).
    public var precomputesNext = true

    private struct State {
        var cache = DocumentCompletionCache()
        /// How long decoding takes per generated token, averaged over recent generations
        /// (`FirstAnswer.afterTokens`).
        var tokenTime: Duration?
        /// Requests that ran the model themselves (not answered from a precompute or typing-through).
        var requestsThatRan = 0
        /// Generations run (a retry is a second one; tests).
        var attemptsRun = 0
        /// Prompt tokens the generator held after the last warm job's latest chunk (tests).
        var warmedTokens = 0
    }

    /// The in-process engine on the model at `modelPath`.
    public convenience init(modelPath: String, threads: Int?, draftTokens: Int = SessionGenerator.defaultDraftTokens) throws {
        try self.init(generator: SessionGenerator(modelPath: modelPath, threads: threads, draftTokens: draftTokens))
    }

    /// What answers, for `infill/status` (nil: the configured model file).
    public let modelDescription: String?

    /// Takes `generator` over: from now on only this backend's worker uses it.
    public init(generator: any Generator, description: String? = nil) {
        modelDescription = description
        vocabulary = generator.vocabulary
        worker = GeneratorWorker(generator: generator)
    }

    deinit { worker.stop() }

    var requestsThatRan: Int { state.withLock { $0.requestsThatRan } }
    var attemptsRun: Int { state.withLock { $0.attemptsRun } }
    var warmedTokens: Int { state.withLock { $0.warmedTokens } }

    public func complete(_ input: CompletionInput, cancellation: CancellationToken) async throws -> CompletionOutput {
        let started = ContinuousClock.now
        let answerBy = answerBy(input, started: started)
        // Answered from what is shown or precomputed: a running precompute is still of use. When it
        // is computing this very document (the user typed all of what was shown), its answer comes
        // sooner than a new run's.
        if input.mode != .docstring {
            if let answer = precomputedAnswer(for: input) ?? state.withLock({
                $0.cache.typedThrough(input.uri, prefix: input.prefix, suffix: input.suffix)
            }) { return answer }
            var waited = false
            if let running = state.withLock({ $0.cache.precomputing(input.uri, prefix: input.prefix, suffix: input.suffix) }) {
                running.answerBy = answerBy
                // A newer request for the document cancels this one, which stops waiting; the precompute
                // goes on until that request needs the generator.
                await running.waitForEnd(unless: cancellation)
                waited = true
            }
            // Looked at again even without a wait: the precompute may have finished meanwhile.
            if let answer = precomputedAnswer(for: input, waitedForIt: waited) { return answer }
        }
        state.withLock { state in
            state.requestsThatRan += 1
            worker.cancelIdleWork()
        }
        return try await worker.run(.request, cancellation) { generator in
            let (answer, short) = try self.run(input, generator: generator, urgency: .request, answerBy: { answerBy },
                                           cancellation: cancellation)
            guard input.mode != .docstring else { return answer.output }
            let edit = answer.edit
            self.state.withLock {
                $0.cache.requestRan(input.uri, shown: edit.map {
                    ShownCompletion(prefix: input.prefix, suffix: input.suffix, middle: $0.text, indentBelow: $0.indentBelow,
                                    unfinished: answer.output.answeredEarly)
                })
            }
            // Not after a completion that also indents the code below: that document is another guess.
            if let edit, edit.indentBelow == nil, self.precomputesNext, input.precompute {
                self.precomputeAfterAccepting(edit, of: input, timeLimit: input.deadline - started, continuing: answer.early)
            } else if short {
                // No precompute to grow the window after: it grows now, until the next request.
                let cancellation = CancellationToken()
                self.worker.submit(.windowGrowth, cancellation) { [weak self] generator in
                    try? self?.growWindow(input, generator: generator, cancellation: cancellation)
                }
            }
            return answer.output
        }
    }

    /// Plans `input` with the document cut where the last prompt for it cut it (or afresh), records
    /// the new cut, and runs the pipeline. Returns the answer and whether its window was a short one
    /// (`shortWindow`).
    private func run(_ input: CompletionInput, generator: any Generator, urgency: CompletionPipeline.Urgency,
                     answerBy: () -> ContinuousClock.Instant?, cancellation: CancellationToken) throws
        -> (CompletionPipeline.Answer, shortWindow: Bool) {
        let pipeline = pipeline(generator)
        let (window, typedOn) = state.withLock { ($0.cache[input.uri].window, $0.cache[input.uri].typedOverColdPrompt) }
        var plan = pipeline.plan(for: input, window: window)
        let cold = urgency == .request && input.mode == .inline && !input.invoked && Self.isCold(plan, generator)
        var shortened = false
        if cold, typedOn, let short = shortWindow(plan, input, pipeline) {
            plan = short
            shortened = true
        }
        try CompletionPipeline.checkNotCancelled(cancellation)  // a late precompute must not move the cut
        state.withLock { $0.cache.setWindow(plan.prompt.window, for: input.uri) }
        do {
            let answer = try pipeline.run(input, plan: plan, urgency: urgency, answerBy: answerBy, cancellation: cancellation)
            if cold { state.withLock { $0.cache.setTypedOverColdPrompt(false, for: input.uri) } }
            return (answer, shortened)
        } catch is CancellationError where cold {
            state.withLock { $0.cache.setTypedOverColdPrompt(true, for: input.uri) }
            throw CancellationError()
        }
    }

    /// Whether the generator lacks more of `plan`'s prompt than about two to four seconds of prefill.
    private static func isCold(_ plan: CompletionPlan, _ generator: any Generator) -> Bool {
        plan.prompt.tokens.count - generator.heldTokens(for: plan.prompt.tokens) > generator.unbrokenChunk * 4
    }

    /// For a keystroke that superseded a request still running a cold prompt (`isCold`; the user types
    /// on after opening a file): a short window (the least share a kept cut holds,
    /// `PromptBuilder.minimumStickyShare`), since the full prompt would hold the first ghost text for
    /// seconds (about 20 on the 1.5B here). The cut stays there for the next keystrokes, and window
    /// growth brings it back to full in idle time. A lone request (the user waits for it) keeps its
    /// full prompt, as do those the user asked for (invoked, menu, docstring).
    private func shortWindow(_ full: CompletionPlan, _ input: CompletionInput, _ pipeline: CompletionPipeline)
        -> CompletionPlan? {
        var narrow = input
        narrow.contextTokens = max(1, Int(Double(input.contextTokens) * PromptBuilder.minimumStickyShare))
        // Planned again with the full budget from the narrow cut, as the next keystrokes will be.
        let short = pipeline.plan(for: input, window: pipeline.plan(for: narrow, window: nil).prompt.window)
        return short.prompt.tokens.count < full.prompt.tokens.count ? short : nil
    }

    private func pipeline(_ generator: any Generator) -> CompletionPipeline {
        CompletionPipeline(generator: generator) { [state] event in
            switch event {
            case .generationStarted: state.withLock { $0.attemptsRun += 1 }
            case .generated(let generation):
                guard generation.decodeTokens > 0 else { return }
                let perToken = Duration.seconds(generation.decodeSeconds / Double(generation.decodeTokens))
                state.withLock { $0.tokenTime = $0.tokenTime.map { $0 * 0.7 + perToken * 0.3 } ?? perToken }
            }
        }
    }

    /// The answer precomputed for this exact document, now shown; the precompute after accepting it
    /// starts. `waitedForIt`: the request waited for the precompute, so its statistics are this
    /// request's.
    private func precomputedAnswer(for input: CompletionInput, waitedForIt: Bool = false) -> CompletionOutput? {
        let started = ContinuousClock.now
        guard let answer: CompletionOutput = state.withLock({ state in
            guard let answer = state.cache.takePrecomputed(input.uri, prefix: input.prefix, suffix: input.suffix) else { return nil }
            worker.cancelIdleWork()  // the last one's window growth: a new precompute follows
            return answer
        }) else { return nil }
        if !answer.middle.isEmpty, answer.indentBelow == nil, precomputesNext, input.precompute {
            precomputeAfterAccepting(CompletionEdit(text: answer.middle, replacedCharactersAfterCursor: answer.replacedCharactersAfterCursor ?? 0),
                                     of: input, timeLimit: input.deadline - started)
        }
        // Statistics stay with the precompute when this answer cost the request nothing. An empty
        // middle is an answer too: the model had nothing to propose there.
        if waitedForIt { return answer }
        return CompletionOutput(middle: answer.middle, replacedCharactersAfterCursor: answer.replacedCharactersAfterCursor,
                                answeredEarly: answer.answeredEarly)
    }

    /// Queues the computation of the completion for the document as it will be once `edit` is accepted
    /// (its text inserted, the closers it replaces gone, the cursor after it), then window growth. Any
    /// new request cancels both. `continuing`: `edit` was an early answer, whose generation goes on.
    private func precomputeAfterAccepting(_ edit: CompletionEdit, of input: CompletionInput,
                                          timeLimit: Duration, continuing early: EarlyStop? = nil) {
        var accepted = input
        accepted.invoked = false  // nobody asked for it: the model's "nothing" stands
        accepted.prefix = input.prefix + edit.text
        accepted.suffix = String(input.suffix.dropFirst(edit.replacedCharactersAfterCursor))
        accepted.firstAnswer = .whenFinished  // nobody waits for it, unless a request comes to (`RunningPrecompute`)
        let snapshot = accepted
        let cancellation = CancellationToken()
        let running = RunningPrecompute(uri: accepted.uri, prefix: accepted.prefix, suffix: accepted.suffix)
        state.withLock { $0.cache.precomputeStarted(running) }
        worker.submit(.precompute, cancellation) { [weak self] generator in
            guard let self else { return running.end() }
            defer {
                self.state.withLock { $0.cache.precomputeStopped(running) }
                running.end()
            }
            guard !cancellation.isCancelled else { return }
            var next = snapshot
            next.deadline = .now + timeLimit
            let answerBy = { running.answerBy }
            var original = input
            original.deadline = next.deadline
            original.firstAnswer = .whenFinished
            let answer = early.flatMap {
                try? self.pipeline(generator).continueAnswer($0, of: original, answerBy: answerBy, cancellation: cancellation)
            } ?? (try? self.run(next, generator: generator, urgency: .idle, answerBy: answerBy, cancellation: cancellation))?.0
            guard let answer else { return }
            self.state.withLock { state in
                guard !cancellation.isCancelled else { return }
                state.cache.precomputeFinished(running, completion: ShownCompletion(
                    prefix: next.prefix, suffix: next.suffix, middle: answer.edit?.text ?? "", unfinished: answer.output.answeredEarly),
                    output: answer.output)
            }
            // The same cancellation: a request stops the precompute and the growth after it alike.
            let grown = next
            self.worker.submit(.windowGrowth, cancellation) { [weak self] generator in
                try? self?.growWindow(grown, generator: generator, cancellation: cancellation)
            }
        }
    }

    /// When a request started at `started` answers with what it has (`CompletionInput.firstAnswer`).
    private func answerBy(_ input: CompletionInput, started: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        switch input.firstAnswer {
        case .whenFinished: return nil
        case .after(let wait): return started + wait
        case .afterTokens(let tokens):
            // Unmeasured yet: the first requests answer once finished.
            return state.withLock { $0.tokenTime }.map { started + $0 * tokens }
        }
    }

    /// Idle time after a precompute: brings the generator to `input`'s prompt with the document cut
    /// afresh, so a prefix or suffix kept short after the cursor moved grows back while nobody waits on
    /// it. The new cut counts (the next prompts cut there) once all of that prompt is cached; an
    /// interrupted growth leaves the cut where it was.
    private func growWindow(_ input: CompletionInput, generator: any Generator, cancellation: CancellationToken) throws {
        let pipeline = pipeline(generator)
        let full = pipeline.plan(for: input, window: nil)
        while let current = state.withLock({ $0.cache[input.uri].window }), current != full.prompt.window {
            // Placing the cached text in the grown prompt runs the tokens between its moved runs first,
            // and no request can interrupt that: a long run would hold the generator for seconds (the
            // 1.5B runs about 70 tokens a second here). So the window grows by as many lines at each
            // end as keep that run short, each step's cut kept once it has run.
            try CompletionPipeline.checkNotCancelled(cancellation)
            var lines = Self.growthStepLines
            var grown = full
            while generator.tokensRunBetweenMoves(for: grown.prompt.tokens) > Self.longestIdleRunBetweenMoves {
                guard lines > 0 else { return }
                let step = PromptWindow(
                    linesBeforePrefix: max(full.prompt.window.linesBeforePrefix, current.linesBeforePrefix - lines),
                    linesAfterSuffix: max(full.prompt.window.linesAfterSuffix, current.linesAfterSuffix - lines))
                grown = pipeline.plan(for: input, window: step)
                lines /= 2
            }
            guard grown.prompt.window != current else { return }
            try pipeline.prefill(grown.prompt.tokens, chunk: generator.interruptibleChunk, unbroken: false, cancellation: cancellation)
            if cancellation.isCancelled { return }
            state.withLock { $0.cache.setWindow(grown.prompt.window, for: input.uri) }
        }
    }

    /// Lines a growth step adds at most at each end of the window (fewer where they hold more tokens
    /// than `longestIdleRunBetweenMoves`).
    static let growthStepLines = 8

    /// Most tokens idle work runs between moved text, where a request cannot interrupt it (one
    /// prefill batch: about half a second on the 1.5B here).
    static let longestIdleRunBetweenMoves = 32

    /// Warms the document's prompt in idle time: its chunks, once run, stay in the generator, and the
    /// first request reuses them where its prompt shares the text (at its start, or moved). Only for a
    /// document no prompt has run for; any request cancels it within a layer.
    public func documentOpened(_ input: CompletionInput) {
        guard precomputesNext, input.precompute, state.withLock({ $0.cache[input.uri].window == nil }) else { return }
        let cancellation = CancellationToken()
        worker.submit(.warm, cancellation) { [weak self] generator in
            // A request that ran meanwhile holds its prompt in the generator: keep it.
            guard let self, !cancellation.isCancelled, self.state.withLock({ $0.cache[input.uri].window == nil }) else { return }
            let pipeline = self.pipeline(generator)
            let plan = pipeline.plan(for: input, window: nil)
            guard generator.tokensRunBetweenMoves(for: plan.prompt.tokens) <= Self.longestIdleRunBetweenMoves else { return }
            self.state.withLock { $0.warmedTokens = 0 }
            try? pipeline.prefill(plan.prompt.tokens, chunk: generator.interruptibleChunk, unbroken: false, cancellation: cancellation) { held in
                self.state.withLock { $0.warmedTokens = held }
            }
        }
    }

    public func forget(_ uri: String) {
        state.withLock { $0.cache.forget(uri) }
    }

    /// Where prompts for `uri` cut the document now (`FIMPrompt.window`), if anywhere yet.
    func window(for uri: String) -> PromptWindow? {
        state.withLock { $0.cache[uri].window }
    }

    /// The middle precomputed for `uri` once the shown completion is accepted, if one is ready.
    func upcomingMiddle(for uri: String) -> String? {
        state.withLock {
            guard case .ready(_, let output)? = $0.cache[uri].upcoming else { return nil }
            return output.middle
        }
    }
}
