import Foundation
import GGUF

/// What the per-token callback tells the generator.
public enum GenerationControl: Sendable {
    case `continue`
    case stop
}

/// Why generation ended.
public enum FinishReason: Sendable, Equatable {
    case stopToken(Int32)   // a token from `stop` was sampled (not included in `tokens`)
    case maxTokens
    case cancelled          // the callback returned `.stop`
    case contextFull
    case noAllowedToken     // no token could continue `startingWith` (all excluded)
}

/// The outcome of one `generate` call.
public struct GenerationResult: Sendable {
    public var tokens: [Int32]
    public var finishReason: FinishReason
    public var stats: GenerationStats
}

public struct GenerationStats: Sendable {
    public init() {}
    /// Tokens in the prompt.
    public var promptTokens = 0
    /// Prompt tokens whose keys/values were already in the cache from the previous call.
    public var reusedTokens = 0
    /// Prompt tokens actually run (promptTokens - reusedTokens).
    public var prefillTokens: Int { promptTokens - reusedTokens }
    public var prefillSeconds = 0.0
    /// Tokens run through the model after the prompt (generated tokens fed back).
    public var decodeTokens = 0
    public var decodeSeconds = 0.0
    public var generatedTokens = 0
    /// Forward passes after the prompt: fewer than `decodeTokens` when drafts were accepted.
    public var decodeSteps = 0
    /// Guessed tokens checked (`SessionOptions.draftTokens`), and those the model agreed with.
    public var draftedTokens = 0
    public var acceptedDraftTokens = 0

    public var prefillTokensPerSecond: Double { prefillSeconds > 0 ? Double(prefillTokens) / prefillSeconds : 0 }
    public var decodeTokensPerSecond: Double { decodeSeconds > 0 ? Double(decodeTokens) / decodeSeconds : 0 }
}

/// Options fixed when a session is created.
public struct SessionOptions: Sendable {
    /// Context length (KV cache positions); nil = min(model's training context, 4096).
    public var contextLength: Int?
    /// Threads for the forward pass; nil = all cores.
    public var threads: Int?
    public var kvCacheType: KVCacheType = .f32
    /// Prompt tokens run per forward batch.
    public var batchSize: Int = 512
    /// Positions per batch whose logits `evaluateAll` can return (tests); 1 is enough to generate.
    public var logitRows: Int = 1
    /// Which product prompt batches of 32 tokens or more use.
    public var prefill: PrefillProduct = .automatic
    /// Greedy generation guesses up to this many next tokens from the text so far (`PromptLookup`)
    /// and checks them in the same forward pass as the token just chosen; 0 turns guessing off. The
    /// output is the same either way: a guess is kept only where it equals the model's own choice.
    public var draftTokens: Int = 8
    /// The values `draftTokens` may take (`DraftPolicy` knows how often guesses hold up to 8).
    public static let draftTokenRange = 0...8

    public init(contextLength: Int? = nil, threads: Int? = nil, kvCacheType: KVCacheType = .f32,
                batchSize: Int = 512, logitRows: Int = 1, prefill: PrefillProduct = .automatic,
                draftTokens: Int = 8) {
        self.contextLength = contextLength
        self.threads = threads
        self.kvCacheType = kvCacheType
        self.batchSize = batchSize
        self.logitRows = logitRows
        self.prefill = prefill
        self.draftTokens = draftTokens
    }
}

/// The product for prompt batches: the engine's int8 kernels, or OpenBLAS SGEMM on weights
/// dequantized to f32 (one matrix at a time, 1/batch of the GEMM's work) with f32 activations.
public enum PrefillProduct: Sendable, Equatable {
    /// Whichever is faster on this CPU, per weight type. Measured on 2 cores (`infill bench --prefill`):
    /// with AVX-512 VNNI the int8 kernels win for every type. On AVX2 alone (AMD Zen 3) OpenBLAS wins for
    /// the 32-element types (Qwen2.5-Coder-0.5B, mostly Q5_0/Q8_0, 512 tokens: 201 against 130 tok/s);
    /// for the K-quants (1.5B) the two are close, int8 50.8 against OpenBLAS 44.6 tok/s at 128 tokens
    /// and 52.3 against 56.5 at 512, so the int8 kernels keep them (editing prompts are short batches).
    case automatic
    /// The engine's int8 kernels only (llama.cpp's rounding: the parity tests use this).
    case engine
    /// OpenBLAS for every matrix (comparisons).
    case openBLAS

    /// The weight types whose batches go through OpenBLAS on `path`.
    func blasTypes(on path: KernelPath) -> Set<GGMLType> {
        switch self {
        case .engine: return []
        case .openBLAS: return Set(QuantTraits.supportedTypes)
        case .automatic:
            guard path != .avx512 else { return [] }
            return Set(QuantTraits.all.filter { $0.activation != .q8K }.map(\.type))
        }
    }
}

/// A conversation with a model: the KV cache and the tokens it holds, kept across `generate` calls so
/// a new prompt that shares a prefix with the last one only runs the new part.
///
/// Not thread-safe: one call at a time (the language server serialises requests).
public final class Session {
    public let model: LlamaModel
    public let contextLength: Int
    public var threadCount: Int { pool.threadCount }
    /// The OpenBLAS in use for prompt batches, if any.
    public var blas: OpenBLAS? { transformer.linear.blas }
    /// The weight types whose prompt batches go through `blas`.
    public var blasTypes: Set<GGMLType> { transformer.linear.blasTypes }
    /// Tokens whose keys and values are in the cache, at positions 0..<cachedTokens.count.
    public private(set) var cachedTokens: [Int32] = []

    /// Most tokens guessed per decode step (`SessionOptions.draftTokens`).
    public let draftTokens: Int

    let pool: ThreadPool
    let transformer: Transformer
    private let samplerState: SamplerState
    private let lookup = PromptLookup()
    /// Step costs measured on this machine, kept across calls.
    var draftPolicy: DraftPolicy

    public init(model: LlamaModel, options: SessionOptions = SessionOptions()) throws {
        let c = model.config
        let context = min(options.contextLength ?? min(c.contextLength, 4096), max(c.contextLength, 1))
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let batch = max(1, min(options.batchSize, context))
        let draftTokens = max(0, min(options.draftTokens, batch - 1, SessionOptions.draftTokenRange.upperBound))
        let logitRows = max(1, min(max(options.logitRows, draftTokens + 1), batch))
        // OpenBLAS only when some matrix of this model would use it.
        let blasTypes = options.prefill.blasTypes(on: .active).intersection(model.weights.matrixTypes)
        let blas = blasTypes.isEmpty ? nil : OpenBLAS.shared
        // Sizes come from the file (the context length from its metadata): saturate, then refuse.
        let state = RunState.byteCount(
            config: c, contextLength: context, maxBatch: batch, logitRows: logitRows, threads: threads,
            kvType: options.kvCacheType)
        let scratch = blas != nil ? Linear.blasScratchCount(c).multipliedReportingOverflow(by: 4) : (0, false)
        let (withState, overflow) = model.fileSize.addingReportingOverflow(state)
        let needed = overflow || scratch.1 ? Int.max : min(Int.max - scratch.0, withState) + scratch.0
        if let available = Memory.availableBytes(), needed > available {
            throw EngineError.notEnoughMemory(needed: needed, available: available, path: model.path)
        }
        self.model = model
        contextLength = context
        self.draftTokens = draftTokens
        pool = ThreadPool(threads: threads)
        transformer = Transformer(config: c, weights: model.weights, contextLength: context, maxBatch: batch,
                                  logitRows: logitRows, pool: pool, kvType: options.kvCacheType,
                                  blas: blas, blasTypes: blasTypes)
        samplerState = SamplerState(vocabSize: c.vocabSize, seed: 0)
        draftPolicy = DraftPolicy(maxDraft: draftTokens)
    }

    /// Forgets the cache.
    public func reset() { cachedTokens.removeAll(keepingCapacity: true) }

    /// Logits of the last prompt position (vocabSize floats), valid until the next call.
    public var logits: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: transformer.state.logits, count: model.config.vocabSize)
    }

    /// Runs `prompt` (reusing the cached prefix) and leaves the logits of its last position in `logits`.
    /// Returns the number of reused tokens (prompt tokens it did not run). `interrupt` is asked before
    /// every layer; when it says stop, `EngineError.interrupted` is thrown and the cache keeps the
    /// batches finished before.
    @discardableResult
    public func evaluate(_ prompt: [Int32], interrupt: (() -> Bool)? = nil) throws -> Int {
        try validate(prompt, extraRoom: 0)
        let (reuse, ranBetweenMoves) = placeCache(for: prompt)
        var start = reuse
        let batch = transformer.state.maxBatch
        let finished = prompt.withUnsafeBufferPointer { all in
            while start < prompt.count {
                let end = min(prompt.count, start + batch)
                guard transformer.forward(UnsafeBufferPointer(rebasing: all[start..<end]), startPos: start, logits: .last,
                                          interrupt: interrupt) else { return false }
                start = end
            }
            return true
        }
        cachedTokens = Array(prompt[..<start])
        guard finished else { throw EngineError.interrupted }
        return reuse - ranBetweenMoves
    }

    /// Runs `tokens` from position 0 with no reuse and calls `body(position, logits)` for every
    /// position (parity tests). Leaves the cache holding `tokens`.
    public func evaluateAll(_ tokens: [Int32], _ body: (Int, UnsafeBufferPointer<Float>) -> Void) throws {
        try validate(tokens, extraRoom: 0)
        reset()
        let step = transformer.state.logitRows, vocab = model.config.vocabSize
        var start = 0
        tokens.withUnsafeBufferPointer { all in
            while start < tokens.count {
                let end = min(tokens.count, start + step)
                transformer.forward(UnsafeBufferPointer(rebasing: all[start..<end]), startPos: start, logits: .all)
                for p in start..<end {
                    body(p, UnsafeBufferPointer(start: transformer.state.logits + (p - start) * vocab, count: vocab))
                }
                start = end
            }
        }
        cachedTokens = tokens
    }

    /// Generates up to `maxTokens` tokens after `prompt`. `onToken(id, text)` is called for each
    /// generated token with its text (UTF-8 completed across tokens); returning `.stop` ends generation
    /// before the next token is computed. Stop tokens end generation and are not passed to `onToken`.
    /// `excludingFirst`: tokens the first generated token may not be (a retry after an unusable answer).
    /// `startingWith`: bytes the generated text must begin with (token healing: the prompt's last
    /// token was held back, so the model may write it again or a longer token that starts with it).
    /// `interrupt`: asked before every layer of every forward pass; when it says stop, generation ends
    /// at once as `.cancelled` (in the prompt: `EngineError.interrupted`), the cache holding only
    /// finished positions.
    public func generate(prompt: [Int32], maxTokens: Int, stop: Set<Int32> = [], sampler: Sampler = .greedy,
                         excludingFirst: Set<Int32> = [], startingWith required: [UInt8] = [],
                         onToken: (Int32, String) -> GenerationControl = { _, _ in .continue },
                         interrupt: (() -> Bool)? = nil) throws
        -> GenerationResult {
        var stats = GenerationStats()
        stats.promptTokens = prompt.count
        try validate(prompt, extraRoom: 1)
        samplerState.reseed(sampler.seed)
        let prefillStart = DispatchTime.now().uptimeNanoseconds
        stats.reusedTokens = try evaluate(prompt, interrupt: interrupt)
        stats.prefillSeconds = Double(DispatchTime.now().uptimeNanoseconds - prefillStart) / 1e9

        var decoder = model.streamingDecoder()
        var generated: [Int32] = []
        var reason = FinishReason.maxTokens
        let vocab = model.config.vocabSize
        for token in excludingFirst where token >= 0 && Int(token) < vocab {
            transformer.state.logits[Int(token)] = -Float.infinity
        }
        var required = required[...]
        // The text so far, where guesses are looked up; only greedy choices can be checked exactly.
        let guessing = draftTokens > 0 && sampler.isGreedy
        var history = guessing ? prompt : []
        /// Accepts `token` as generated; false when generation ends with it.
        func accept(_ token: Int32) -> Bool {
            generated.append(token)
            if guessing { history.append(token) }
            required = required.dropFirst(model.tokenizer.tokenBytes(token).count)
            if onToken(token, decoder.append(token)) == .stop { reason = .cancelled; return false }
            return generated.count < maxTokens
        }
        generation: while generated.count < maxTokens {
            if !required.isEmpty, !keepOnly(model.tokenizer.tokens(compatibleWith: Array(required))) {
                reason = .noAllowedToken
                break
            }
            let token = samplerState.sample(transformer.state.logits, count: vocab, with: sampler)
            if stop.contains(token) { reason = .stopToken(token); break }
            guard accept(token) else { break }
            let position = cachedTokens.count
            if position >= contextLength { reason = .contextFull; break }
            // Guesses wait until token healing's required bytes are written (they constrain the logits).
            var draft: ArraySlice<Int32> = [], matchLength = 0
            if guessing, required.isEmpty,
               let guess = lookup.guess(history, limit: min(draftTokens, maxTokens - generated.count,
                                                            contextLength - position - 1), stop: stop) {
                draft = guess.tokens.prefix(draftPolicy.draftLength(available: guess.tokens.count,
                                                                    matchLength: guess.matchLength))
                matchLength = guess.matchLength
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let finished = ([token] + draft).withUnsafeBufferPointer { batch in
                transformer.forward(batch, startPos: position, logits: draft.isEmpty ? .last : .all, decodeOrder: true,
                                    interrupt: interrupt)
            }
            guard finished else { reason = .cancelled; break }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            draftPolicy.record(tokens: 1 + draft.count, seconds: seconds)
            stats.decodeSeconds += seconds
            stats.decodeSteps += 1
            stats.decodeTokens += 1
            stats.draftedTokens += draft.count
            cachedTokens.append(token)
            // Row r of the logits follows draft[..<r]: a guess holds where it is the greedy choice there.
            let held = zip(0..., draft).first { row, guess in
                Sampler.argmax(transformer.state.logits + row * vocab, count: vocab) != guess
            }?.0 ?? draft.count
            draftPolicy.record(matchLength: matchLength, drafted: draft.count, held: held)
            for guess in draft.prefix(held) {
                cachedTokens.append(guess)
                stats.decodeTokens += 1
                stats.acceptedDraftTokens += 1
                guard accept(guess) else { break generation }
            }
            if held > 0 {
                transformer.state.logits.update(from: transformer.state.logits + held * vocab, count: vocab)
            }
        }
        stats.generatedTokens = generated.count
        return GenerationResult(tokens: generated, finishReason: reason, stats: stats)
    }

    /// Makes the cache hold as much of the start of `prompt` as it can offer: the common prefix, then
    /// text the cache holds at other positions (see `placeMovedText`). Returns how many tokens that is,
    /// less than `prompt.count` (the last position must run to produce logits); the cache holds
    /// exactly those afterwards. Chunked prefill calls this before its first chunk, which alone would
    /// be too short to find moved text in.
    @discardableResult
    public func reuseCache(for prompt: [Int32]) -> Int { placeCache(for: prompt).cached }

    /// `reuseCache`, and how many of those tokens it ran between moved runs of text (they count as
    /// run, not reused, in `GenerationStats`).
    private func placeCache(for prompt: [Int32]) -> (cached: Int, ranBetweenMoves: Int) {
        guard canBeCached(prompt) else { cachedTokens.removeAll(); return (0, 0) }
        let (placed, ran) = placeMovedText(prompt, from: commonPrefix(cachedTokens, prompt))
        let reuse = min(placed, prompt.count - 1)
        cachedTokens.removeSubrange(reuse...)
        return (reuse, ran)
    }

    /// Past the common prefix (`start`), a new prompt often holds text the cache has at other
    /// positions: lines cut from the prompt's start, lines that moved from the suffix into the prefix
    /// as the cursor went down, the suffix after them. Runs of at least `minimumMovedTokens` are
    /// moved to their new positions (llama.cpp's cache reuse by KV shifting) and the tokens between
    /// them are run; causal attention lets those run after the moves. Returns the prompt tokens now
    /// cached from the start (`start` when nothing moved) and how many of them were run. The run
    /// cannot be interrupted: the moves are made first and cannot be taken back.
    private func placeMovedText(_ prompt: [Int32], from start: Int) -> (cached: Int, ran: Int) {
        let (moves, gaps) = movedText(in: prompt, from: start)
        guard let last = moves.last else { return (start, 0) }
        transformer.moveCache(moves)
        let batch = transformer.state.maxBatch
        prompt.withUnsafeBufferPointer { all in
            for gap in gaps {
                for chunk in stride(from: gap.lowerBound, to: gap.upperBound, by: batch) {
                    let end = min(gap.upperBound, chunk + batch)
                    transformer.forward(UnsafeBufferPointer(rebasing: all[chunk..<end]), startPos: chunk, logits: .last)
                }
            }
        }
        let reused = last.destination + last.count
        cachedTokens = Array(prompt[..<reused])
        return (reused, gaps.reduce(0) { $0 + $1.count })
    }

    /// Tokens of `prompt` the cache holds, at its start or at other positions (`reuseCache(for:)` would
    /// keep or move them); changes nothing.
    public func heldTokens(for prompt: [Int32]) -> Int {
        guard canBeCached(prompt) else { return 0 }
        let start = commonPrefix(cachedTokens, prompt)
        return start + movedText(in: prompt, from: start).moves.reduce(0) { $0 + $1.count }
    }

    /// Tokens `reuseCache(for:)` would run between moved text for `prompt`: work that cannot be
    /// interrupted (idle work weighs it before it starts).
    public func tokensRunBetweenMoves(for prompt: [Int32]) -> Int {
        guard canBeCached(prompt) else { return 0 }
        return movedText(in: prompt, from: commonPrefix(cachedTokens, prompt)).gaps.reduce(0) { $0 + $1.count }
    }

    private func canBeCached(_ prompt: [Int32]) -> Bool {
        !prompt.isEmpty && prompt.count <= contextLength && prompt.allSatisfy { $0 >= 0 && Int($0) < model.config.vocabSize }
    }

    /// The runs of cached text `prompt` holds past `start` at other positions (`placeMovedText`), and
    /// the prompt's ranges between them.
    private func movedText(in prompt: [Int32], from start: Int) -> (moves: [CacheMove], gaps: [Range<Int>]) {
        let window = 16
        guard start > 0, prompt.count - start >= Self.minimumMovedTokens,
              cachedTokens.count - start >= Self.minimumMovedTokens else { return ([], []) }
        func key(_ tokens: ArraySlice<Int32>) -> Int {
            var hasher = Hasher()
            for token in tokens { hasher.combine(token) }
            return hasher.finalize()
        }
        var sources: [Int: [Int]] = [:]
        for j in start...(cachedTokens.count - window) { sources[key(cachedTokens[j..<(j + window)]), default: []].append(j) }

        var moves: [CacheMove] = [], gaps: [Range<Int>] = []
        var i = start, gapStart = start
        while i + window <= prompt.count, moves.count < transformer.state.maxBatch {
            var best = (source: 0, length: 0)
            for j in sources[key(prompt[i..<(i + window)])] ?? [] {
                var length = 0
                while i + length < prompt.count, j + length < cachedTokens.count,
                      prompt[i + length] == cachedTokens[j + length] { length += 1 }
                if length > best.length { best = (j, length) }
            }
            guard best.length >= Self.minimumMovedTokens else { i += 1; continue }
            if gapStart < i { gaps.append(gapStart..<i) }
            moves.append(CacheMove(source: best.source, destination: i, count: best.length))
            i += best.length
            gapStart = i
        }
        return (moves, gaps)
    }

    /// Shorter runs are run again: moving them would save little and keep stale context.
    static let minimumMovedTokens = 48

    /// Sets every logit outside `allowed` to -inf; false when none of `allowed` is left finite.
    private func keepOnly(_ allowed: [Int32]) -> Bool {
        let logits = transformer.state.logits
        let kept = allowed.map { logits[Int($0)] }
        logits.update(repeating: -.infinity, count: model.config.vocabSize)
        for (id, value) in zip(allowed, kept) { logits[Int(id)] = value }
        return kept.contains { $0 > -.infinity }
    }

    private func validate(_ tokens: [Int32], extraRoom: Int) throws {
        guard !tokens.isEmpty else { throw EngineError.emptyPrompt }
        guard tokens.count + extraRoom <= contextLength else {
            throw EngineError.promptTooLong(tokens: tokens.count, context: contextLength)
        }
        let vocab = model.config.vocabSize
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= vocab }) {
            throw EngineError.invalidToken(bad, vocabSize: vocab)
        }
    }

    private func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        return i
    }
}
