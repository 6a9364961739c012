import Completion
import Foundation

/// One completion, written once for every caller (the server's backend, `infill fim-batch`):
/// plan (the prompt in the model's FIM format, and the trimming for the document) → attempt (the
/// generator writes tokens, each judged as it comes: stop, answer early, or go on) → retry (trimming
/// left nothing: once more without the answer's first word) → edit (the trimmed text to insert).
/// Runs on the thread that owns the generator (`GeneratorWorker`).
public struct CompletionPipeline {
    public let generator: any Generator
    /// Told when a generation starts and how each went (the backend's counts and token time).
    var observe: (Event) -> Void = { _ in }

    enum Event {
        case generationStarted
        case generated(Generation)
    }

    public init(generator: any Generator) { self.generator = generator }

    init(generator: any Generator, observe: @escaping (Event) -> Void) {
        self.generator = generator
        self.observe = observe
    }

    /// Who waits for the answer, which decides how its prompt runs (`prefill`).
    public enum Urgency: Sendable {
        /// A request: one made while typing runs its prompt in unbroken chunks; one the user asked
        /// for (and docstrings) in whole batches, as the quality benchmarks measured it.
        case request
        /// Idle work (a precompute): 32-token chunks any request interrupts.
        case idle
    }

    /// What one completion gave: the answer, its edit, and where an early answer stopped.
    public struct Answer: Sendable {
        public var output: CompletionOutput
        public var edit: CompletionEdit?
        var early: EarlyStop?
    }

    /// The prompt and trimming for `input`, the document cut at `window` (where the last prompt for it
    /// cut it, `PromptBuilder`) when given.
    public func plan(for input: CompletionInput, window: PromptWindow?) -> CompletionPlan {
        // A budget past the generator's context would fail every long document; the prompt may pass the
        // budget by a cursor line's step and the FIM tokens (`PromptBuilder`), and the answer needs room.
        let room = generator.contextLength == Int.max ? Int.max
            : max(64, generator.contextLength - min(input.maxNewTokens, 4096) - 80)
        let contextTokens = min(input.contextTokens, room)
        let budget = PromptBudget(
            fileTokens: contextTokens * 3 / 4,
            extraContextTokens: input.otherDocuments.isEmpty ? 0 : contextTokens / 4)
        let builder = PromptBuilder(tokens: generator.fimTokens, budget: budget)
        let policy: LinePolicy
        switch input.multiline {
        case .auto: policy = input.mode == .docstring ? .multiLine : .auto
        case .always: policy = .multiLine
        case .never: policy = .singleLine
        }
        return CompletionPlan(
            builder: builder, vocabulary: generator.vocabulary, prefix: input.prefix, suffix: input.suffix,
            path: URL(string: input.uri)?.path ?? input.uri,
            // Stable order (by path), so the context part of the prompt, which comes first, stays
            // in the KV cache while the user types.
            context: input.otherDocuments.sorted { $0.uri < $1.uri }
                .map { ContextFile(path: URL(string: $0.uri)?.path ?? $0.uri, text: $0.text) },
            language: DocLanguage(languageID: input.languageId), policy: policy, extraStopStrings: input.stop,
            lastWindow: window, followsModel: input.invoked || input.mode == .completion)
    }

    /// `plan` with the document cut afresh, then `run`: a request with nothing remembered.
    public func complete(_ input: CompletionInput, cancellation: CancellationToken) throws -> Answer {
        try run(input, plan: plan(for: input, window: nil), urgency: .request, answerBy: { nil }, cancellation: cancellation)
    }

    /// Prompt → generator → trimming for one request, with one retry when trimming leaves nothing.
    /// `answerBy`: when to answer with the whole words so far (`CompletionInput.firstAnswer`; a
    /// precompute learns it when a request starts waiting for it).
    func run(_ input: CompletionInput, plan: CompletionPlan, urgency: Urgency,
             answerBy: () -> ContinuousClock.Instant?, cancellation: CancellationToken) throws -> Answer {
        // Requests made while typing are the ones the next keystroke supersedes.
        let typing = !input.invoked && input.mode != .docstring
        let ranAhead: Int
        switch urgency {
        case .idle: ranAhead = try prefill(plan.prompt.tokens, chunk: generator.interruptibleChunk, unbroken: false, cancellation: cancellation)
        case .request where typing:
            ranAhead = try prefill(plan.prompt.tokens, chunk: generator.unbrokenChunk, unbroken: true, cancellation: cancellation)
        case .request: ranAhead = 0
        }
        let first = try generate(plan, input: input, answerBy: answerBy, cancellation: cancellation)
        var attempt = first
        var edit = input.mode == .docstring ? nil : attempt.edit(plan)
        // The answer only repeated code the document already has, so trimming left nothing: ask once
        // more with its first word excluded (the prompt is still in the KV cache, so this is cheap).
        // Past the time limit too: that try ends at its first line break, and a line beats nothing.
        // An explicit request the model answered with nothing gets its best answer that says something.
        // Not once the answer is due (`answerBy`): nothing now beats a line later. Not when an automatic
        // request's answer ended the user's line and then repeated the code below: the model says the line
        // is done, and a different next line forced out of it is seldom wanted.
        if input.mode != .docstring, edit == nil, answerBy().map({ ContinuousClock.now < $0 }) ?? true,
           let retry = attempt.retry(healed: plan.prompt.healedText, endingIt: input.invoked ? plan.prompt.stopTokens : nil),
           input.invoked || !retry.kept.pieces.joined().contains(where: \.isNewline) {
            let second = try generate(plan, input: input, after: retry.kept, excluding: retry.excluded, answerBy: answerBy,
                                      cancellation: cancellation)
            if let secondEdit = second.edit(plan) {
                edit = secondEdit
                attempt = second
            }
        }
        let early = attempt.answeredEarly ? edit.flatMap { EarlyStop(plan: plan, attempt: attempt, words: $0.text) } : nil
        let middle = input.mode == .docstring
            ? Self.docstringBody(String(plan.middle(inGenerated: attempt.text)), stops: plan.prompt.stopStrings + input.stop)
            : edit?.text ?? ""
        let output = CompletionOutput(
            middle: middle, replacedCharactersAfterCursor: edit?.replacedCharactersAfterCursor,
            indentBelow: edit?.indentBelow, promptTokens: first.result?.promptTokens ?? 0,
            reusedPromptTokens: max(0, (first.result?.reusedTokens ?? 0) - ranAhead),
            generatedTokens: attempt.tokens.count, answeredEarly: attempt.answeredEarly && edit != nil)
        return Answer(output: output, edit: edit, early: early)
    }

    /// The rest of an early answer (`early`, for `input`): generation goes on from the model's own
    /// tokens for the words shown, which the generator still holds, as if it had not stopped. Nil when
    /// the finished answer no longer starts with those words.
    func continueAnswer(_ early: EarlyStop, of input: CompletionInput, answerBy: () -> ContinuousClock.Instant?,
                        cancellation: CancellationToken) throws -> Answer? {
        let attempt = try generate(early.plan, input: input, after: early.start, answerBy: answerBy, cancellation: cancellation)
        guard var rest = attempt.edit(early.plan), rest.text.hasPrefix(early.words) else { return nil }
        rest.text = String(rest.text.dropFirst(early.words.count))
        let generation = attempt.result
        let output = CompletionOutput(
            middle: rest.text, replacedCharactersAfterCursor: rest.replacedCharactersAfterCursor, indentBelow: rest.indentBelow,
            promptTokens: generation?.promptTokens ?? 0, reusedPromptTokens: generation?.reusedTokens ?? 0,
            generatedTokens: attempt.tokens.count - early.start.tokens.count, answeredEarly: attempt.answeredEarly)
        return Answer(output: output, edit: rest.text.isEmpty ? nil : rest)
    }

    /// Runs the generator on the plan's prompt followed by `after` (the start of an earlier answer),
    /// stopping at the plan's stops, the time limit (at a line boundary), the first-answer time or
    /// cancellation.
    func generate(_ plan: CompletionPlan, input: CompletionInput, after: GenerationAttempt.Start = .init(),
                  excluding: Set<Int32> = [], answerBy: () -> ContinuousClock.Instant?,
                  cancellation: CancellationToken) throws -> GenerationAttempt {
        var attempt = GenerationAttempt(start: after)
        let deadline = input.deadline
        observe(.generationStarted)
        do {
            try Self.checkNotCancelled(cancellation)
            let request = GenerationRequest(
                prompt: plan.prompt.tokens + after.tokens, maxTokens: input.maxNewTokens, stop: plan.prompt.stopTokens,
                excludingFirst: excluding, startingWith: Array(plan.requiredStart.dropFirst(after.pieces.joined().utf8.count)))
            // A request that supersedes this one stops it within a layer (`interrupt`), not a whole
            // step or prompt batch: a running precompute then costs a keystroke a few milliseconds.
            let generation = try generator.generate(request, onToken: { token, text in
                attempt.append(token, text)
                if cancellation.isCancelled || plan.shouldStop(generatedSoFar: attempt.text) { return .stop }
                // Answer by `answerBy`, not a step after it: stop when the next step would end later.
                if let answerBy = answerBy(), ContinuousClock.now + attempt.stepTime >= answerBy,
                   GenerationAttempt.wholeWords(plan.middle(inGenerated: attempt.text)).contains(where: { !$0.isWhitespace }) {
                    attempt.answeredEarly = true
                    return .stop
                }
                // Past the time limit, finish at a line boundary rather than mid-line.
                if ContinuousClock.now >= deadline, attempt.endsALineOfCode {
                    attempt.hitDeadline = true
                    return .stop
                }
                return .continue
            }, interrupt: { cancellation.isCancelled })
            attempt.finish(generation)
            observe(.generated(generation))
        } catch {
            if cancellation.isCancelled { throw CancellationError() }
            throw EngineBackendError("\(error)")
        }
        if cancellation.isCancelled { throw CancellationError() }
        return attempt
    }

    /// Brings the generator up to `prompt` in chunks of `chunk` tokens and returns the prompt tokens it
    /// ran; the chunks finished stay whatever happens next. Interruptible (idle work: a precompute,
    /// window growth): a request arriving meanwhile interrupts the running chunk within a layer.
    /// Unbroken (a request made while typing): a newer request that supersedes this one waits for the
    /// running chunk and goes on from it, and the last chunk's worth is left to `generate`, which such
    /// a request does interrupt within a layer. Interrupted within a layer, a long prompt would leave
    /// the cache where it was, and a user typing on after opening a file would see no ghost text for
    /// the whole line.
    /// `ran`: told the prompt tokens the generator holds after each chunk.
    @discardableResult
    func prefill(_ prompt: [Int32], chunk: Int, unbroken: Bool, cancellation: CancellationToken,
                 ran: (Int) -> Void = { _ in }) throws -> Int {
        try Self.checkNotCancelled(cancellation)
        let start = generator.reuse(prompt)
        var end = start
        let last = prompt.count - 1 - (unbroken ? chunk : 0)
        let interrupt: (() -> Bool)? = unbroken ? nil : { cancellation.isCancelled }
        while end < last {
            try Self.checkNotCancelled(cancellation)  // a request is waiting: keep the cache for it
            end = min(prompt.count - 1, end + chunk)
            _ = try generator.run(Array(prompt[..<end]), interrupt: interrupt)
            ran(end)
        }
        return end - start
    }

    /// Checked on the generator's thread before anything that changes what it holds: idle work that
    /// went on once a request was waiting would cut that request's prompt out of the cache
    /// (`reuse` keeps only what its own prompt shares), and the next keystroke would run it again.
    static func checkNotCancelled(_ cancellation: CancellationToken) throws {
        if cancellation.isCancelled { throw CancellationError() }
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
struct EarlyStop: Sendable {
    let plan: CompletionPlan
    let start: GenerationAttempt.Start
    /// The answer given (the edit's text).
    let words: String

    /// Nil when no run of the attempt's tokens writes exactly the healed text and the words.
    init?(plan: CompletionPlan, attempt: GenerationAttempt, words: String) {
        let written = plan.prompt.healedText + words
        var text = "", count = 0
        while count < attempt.pieces.count, text.utf8.count < written.utf8.count {
            text += attempt.pieces[count]
            count += 1
        }
        guard text == written else { return nil }
        self.plan = plan
        start = GenerationAttempt.Start(tokens: Array(attempt.tokens[..<count]), pieces: Array(attempt.pieces[..<count]))
        self.words = words
    }
}
