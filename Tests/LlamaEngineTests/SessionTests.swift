import XCTest
@testable import LlamaEngine

final class SessionTests: XCTestCase {
    private func session(_ shape: TinyModel.Shape = .init(), options: SessionOptions = .init()) throws -> Session {
        let path = try TinyModel.write(shape)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Session(model: LlamaModel(path: path), options: options)
    }

    private func logitsOneByOne(_ s: Session, _ tokens: [Int32]) throws -> [[Float]] {
        var rows: [[Float]] = []
        s.reset()
        for i in 0..<tokens.count {
            try s.evaluate(Array(tokens[0...i]))  // reuses 0..<i, runs one token
            rows.append(Array(s.logits))
        }
        return rows
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, file: file, line: line)
    }

    let tokens: [Int32] = [1, 7, 3, 42, 9, 9, 18, 0, 33, 21, 5, 49, 12]

    func testBatchedForwardMatchesTokenByToken() throws {
        for arch in ["llama", "qwen2"] {
            var shape = TinyModel.Shape()
            shape.architecture = arch
            let s = try session(shape, options: SessionOptions(threads: 2, batchSize: 8, logitRows: 8))
            let single = try logitsOneByOne(s, tokens)
            var batched: [[Float]] = []
            try s.evaluateAll(tokens) { _, logits in batched.append(Array(logits)) }
            XCTAssertEqual(batched.count, tokens.count)
            for (a, b) in zip(single, batched) { assertClose(a, b) }
        }
    }

    func testThreadCountDoesNotChangeResults() throws {
        let one = try session(options: SessionOptions(threads: 1))
        let two = try session(options: SessionOptions(threads: 3))
        try one.evaluate(tokens)
        try two.evaluate(tokens)
        assertClose(Array(one.logits), Array(two.logits), tolerance: 1e-5)
    }

    func testPrefixReuseGivesSameLogitsAsFreshRun() throws {
        let s = try session()
        try s.evaluate(Array(tokens[0..<6]) + [30, 31])
        let reused = try s.evaluate(tokens)
        XCTAssertEqual(reused, 6)
        let warm = Array(s.logits)
        s.reset()
        XCTAssertEqual(try s.evaluate(tokens), 0)
        assertClose(warm, Array(s.logits), tolerance: 1e-5)
        // Same prompt again: everything but the last token is reused.
        XCTAssertEqual(try s.evaluate(tokens), tokens.count - 1)
        assertClose(warm, Array(s.logits), tolerance: 1e-5)
    }

    func testF16CacheIsCloseToF32() throws {
        let a = try session(options: SessionOptions(kvCacheType: .f32))
        let b = try session(options: SessionOptions(kvCacheType: .f16))
        try a.evaluate(tokens)
        try b.evaluate(tokens)
        assertClose(Array(a.logits), Array(b.logits), tolerance: 2e-2)
    }

    func testTiedOutputUsesTokenEmbedding() throws {
        var shape = TinyModel.Shape()
        shape.tieOutput = true
        let s = try session(shape)
        try s.evaluate(tokens)
        XCTAssertTrue(s.logits.allSatisfy { $0.isFinite })
    }

    func testGreedyGenerationContinuesTheCacheAndIsDeterministic() throws {
        let s = try session()
        let first = try s.generate(prompt: tokens, maxTokens: 10)
        XCTAssertEqual(first.tokens.count, 10)
        XCTAssertEqual(first.finishReason, .maxTokens)
        XCTAssertEqual(first.stats.reusedTokens, 0)
        XCTAssertEqual(first.stats.decodeTokens, 9)
        // Greedy tokens equal the argmax of a fresh evaluation of prompt + generated prefix.
        let fresh = try session()
        var context = tokens
        for t in first.tokens {
            fresh.reset()
            try fresh.evaluate(context)
            XCTAssertEqual(Sampler.argmax(fresh.logits.baseAddress!, count: fresh.logits.count), t)
            context.append(t)
        }
        // Asking again with the generated text appended reuses the whole cache.
        let second = try s.generate(prompt: tokens + first.tokens, maxTokens: 2)
        XCTAssertEqual(second.stats.reusedTokens, tokens.count + first.tokens.count - 1)
    }

    /// A batch run in decode order has, row for row, the logits of one-token steps to the last bit
    /// (a speculative step checks its guesses this way). Past 16 positions, where llama.cpp's batched
    /// attention sums in another order than its one-token attention.
    func testDecodeOrderBatchHasTheBitsOfOneTokenSteps() throws {
        let s = try session(options: SessionOptions(threads: 2, batchSize: 8, logitRows: 8, draftTokens: 0))
        let prompt = tokens + tokens + tokens  // 39 positions
        let vocab = s.model.config.vocabSize
        try s.evaluate(Array(prompt[..<33]))
        var steps: [[Float]] = []
        for p in 33..<39 {
            [prompt[p]].withUnsafeBufferPointer { s.transformer.forward($0, startPos: p, logits: .last) }
            steps.append(Array(UnsafeBufferPointer(start: s.transformer.state.logits, count: vocab)))
        }
        Array(prompt[33..<39]).withUnsafeBufferPointer { s.transformer.forward($0, startPos: 33, logits: .all, decodeOrder: true) }
        for (row, expected) in steps.enumerated() {
            let got = UnsafeBufferPointer(start: s.transformer.state.logits + row * vocab, count: vocab)
            let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertTrue(zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "row \(row): differs by up to \(worst)")
        }
    }

    /// Guessed tokens checked in one pass (prompt lookup) give exactly the tokens of plain decoding:
    /// the batched products and the decode-order attention round as one-token steps do. Steps of any
    /// size cost the same here, so every guess the lookup finds is checked.
    func testGuessedTokensGiveTheTokensOfPlainDecoding() throws {
        // Repeated text, so the lookup finds guesses; 60 positions, past attention's 16-lane groups.
        let prompt = tokens + tokens + Array(tokens.prefix(6))
        var drafted = 0
        for arch in ["llama", "qwen2"] {
            var shape = TinyModel.Shape()
            shape.architecture = arch
            let plain = try session(shape, options: SessionOptions(threads: 2, draftTokens: 0))
            let guessing = try session(shape, options: SessionOptions(threads: 2, draftTokens: 8))
            guessing.draftPolicy = DraftPolicy(fixedStepSeconds: Array(repeating: 1e-3, count: 9))
            let expected = try plain.generate(prompt: prompt, maxTokens: 30)
            var streamed: [Int32] = []
            let got = try guessing.generate(prompt: prompt, maxTokens: 30) { id, _ in streamed.append(id); return .continue }
            XCTAssertEqual(got.tokens, expected.tokens, arch)
            XCTAssertEqual(streamed, expected.tokens, "every token passes the callback once, in order")
            XCTAssertEqual(got.finishReason, expected.finishReason)
            drafted += got.stats.draftedTokens
            XCTAssertEqual(got.stats.decodeTokens, expected.stats.decodeTokens)
            XCTAssertEqual(got.stats.decodeSteps, got.stats.decodeTokens - got.stats.acceptedDraftTokens)
            // The cache holds what was accepted and nothing of rejected guesses: asking again reuses it all.
            let again = try guessing.generate(prompt: prompt + got.tokens, maxTokens: 1)
            XCTAssertEqual(again.stats.reusedTokens, prompt.count + got.tokens.count - 1)
            let fresh = try plain.generate(prompt: prompt + got.tokens, maxTokens: 1)
            XCTAssertEqual(again.tokens, fresh.tokens)
            // Cancelling inside a run of accepted guesses stops right there.
            var seen = 0
            let cancelled = try guessing.generate(prompt: prompt, maxTokens: 30) { _, _ in
                seen += 1
                return seen == 7 ? .stop : .continue
            }
            XCTAssertEqual(cancelled.tokens, Array(expected.tokens.prefix(7)))
            XCTAssertEqual(cancelled.finishReason, .cancelled)
        }
        XCTAssertGreaterThan(drafted, 0, "the random models repeat themselves, so guesses are found")
    }

    /// An interrupted pass leaves the cache holding only finished batches; what runs next is exact.
    func testInterruptStopsWithinAPassAndKeepsOnlyFinishedWork() throws {
        let s = try session(options: SessionOptions(threads: 2, batchSize: 8, draftTokens: 0))
        let prompt = tokens + tokens  // 26 tokens: batches of 8, 8, 8, 2
        var asked = 0
        // Two layers per pass: the fifth question is the first layer of the third batch.
        XCTAssertThrowsError(try s.evaluate(prompt, interrupt: { asked += 1; return asked == 5 })) { error in
            guard case EngineError.interrupted = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(s.cachedTokens, Array(prompt[..<16]))
        XCTAssertEqual(try s.evaluate(prompt), 16)
        let resumed = Array(s.logits)
        s.reset()
        try s.evaluate(prompt)
        XCTAssertEqual(resumed, Array(s.logits))

        // In generation: the step under way is dropped, the tokens before it stay cached.
        s.reset()
        let free = try s.generate(prompt: prompt, maxTokens: 6)
        s.reset()
        var tokensSeen = 0
        let stopped = try s.generate(prompt: prompt, maxTokens: 6, onToken: { _, _ in
            tokensSeen += 1
            return .continue
        }, interrupt: { tokensSeen == 3 })
        XCTAssertEqual(stopped.finishReason, .cancelled)
        XCTAssertEqual(stopped.tokens, Array(free.tokens.prefix(3)))
        XCTAssertEqual(s.cachedTokens, prompt + free.tokens.prefix(2), "the third token's pass did not finish")
        let again = try s.generate(prompt: prompt + free.tokens.prefix(3), maxTokens: 3)
        XCTAssertEqual(again.tokens, Array(free.tokens[3..<6]))
    }

    func testStopTokenAndCancellation() throws {
        let s = try session()
        let free = try s.generate(prompt: tokens, maxTokens: 5)
        let stopped = try s.generate(prompt: tokens, maxTokens: 5, stop: [free.tokens[2]])
        XCTAssertEqual(stopped.tokens, Array(free.tokens[0..<2]))
        XCTAssertEqual(stopped.finishReason, .stopToken(free.tokens[2]))
        var seen = 0
        let cancelled = try s.generate(prompt: tokens, maxTokens: 5) { _, _ in
            seen += 1
            return seen == 3 ? .stop : .continue
        }
        XCTAssertEqual(cancelled.tokens, Array(free.tokens[0..<3]))
        XCTAssertEqual(cancelled.finishReason, .cancelled)
    }

    /// Token healing: the output starts with the required bytes, by one token that begins with them
    /// or by tokens that spell them in parts; when none can, generation ends with no token.
    func testGenerationStartsWithTheRequiredBytes() throws {
        let s = try session()  // tokens 3..<50 are "▁t3" ... "▁t49": " t3" ... " t49"
        let tokenizer = s.model.tokenizer
        XCTAssertEqual(Set(tokenizer.tokens(compatibleWith: Array(" t4".utf8))), Set([4] + Array(40...49)))
        XCTAssertEqual(tokenizer.tokens(compatibleWith: Array(" t42 t3".utf8)), [4, 42], "prefixes of the bytes")
        XCTAssertEqual(tokenizer.tokens(compatibleWith: Array("</s>".utf8)), [], "control tokens never")

        let healed = try s.generate(prompt: tokens, maxTokens: 3, startingWith: Array(" t4".utf8))
        XCTAssertTrue(Set([4] + Array(40...49)).contains(healed.tokens[0]))
        let spelled = try s.generate(prompt: tokens, maxTokens: 3, startingWith: Array(" t3 t4".utf8))
        XCTAssertEqual(Array(spelled.tokens.prefix(1)), [3])
        XCTAssertTrue(Set([4] + Array(40...49)).contains(spelled.tokens[1]), "then the rest, \" t4\"")

        let impossible = try s.generate(prompt: tokens, maxTokens: 3, excludingFirst: Set([4] + Array(40...49)),
                                        startingWith: Array(" t4".utf8))
        XCTAssertEqual(impossible.tokens, [])
        XCTAssertEqual(impossible.finishReason, .noAllowedToken)
    }

    /// A prompt that holds cached text at other positions (its first lines cut as a document grows,
    /// lines inserted before cached text) reuses that text: moved, keys turned to their new
    /// positions. Layer 0's keys and values depend only on token and position, so there the move
    /// must equal a fresh run.
    func testCachedTextAtOtherPositionsIsMovedNotRunAgain() throws {
        for kvType in KVCacheType.allCases {
            var shape = TinyModel.Shape()
            shape.context = 256
            // The int8 kernels: OpenBLAS may round a token's row differently at another row of the batch.
            let s = try session(shape, options: SessionOptions(kvCacheType: kvType, prefill: .engine))
            let removed = (0..<40).map { Int32(3 + $0 % 47) }
            let kept = (0..<90).map { Int32(3 + ($0 * 7) % 47) }
            try s.evaluate([1] + removed + kept + [5, 6])
            XCTAssertEqual(try s.evaluate([1] + kept + [9, 10, 11]), 1 + kept.count, "\(kvType)")
            let moved = layerZeroCache(s, positions: 1 + kept.count)
            s.reset()
            try s.evaluate([1] + kept + [9, 10, 11])
            let fresh = layerZeroCache(s, positions: 1 + kept.count)
            assertClose(moved.keys, fresh.keys, tolerance: kvType == .f16 ? 8e-3 : 1e-5)  // f16: rounded twice
            XCTAssertEqual(moved.values, fresh.values)

            // The first token after the cut spelled differently (a line break merged with the text
            // before it): run afresh, the rest moved.
            try s.evaluate([1] + removed + kept + [5, 6])
            // Reused: everything up to the moved text's end but the one token run before it.
            XCTAssertEqual(try s.evaluate([1, 50 - 1] + kept.dropFirst() + [9, 10, 11]), kept.count, "\(kvType) bridge")
            let bridged = layerZeroCache(s, positions: 1 + kept.count)
            s.reset()
            try s.evaluate([1, 50 - 1] + kept.dropFirst() + [9, 10, 11])
            assertClose(bridged.keys, layerZeroCache(s, positions: 1 + kept.count).keys, tolerance: kvType == .f16 ? 8e-3 : 1e-5)

            // Text inserted before cached text: the cached text moves later, the inserted text runs
            // (first, between the moves: `tokensRunBetweenMoves` tells idle work so beforehand).
            let head = (0..<60).map { Int32(3 + ($0 * 11) % 47) }, tail = (0..<70).map { Int32(3 + ($0 * 13) % 47) }
            let inserted: [Int32] = [7, 8, 9, 10, 11, 12]
            try s.evaluate([1] + head + tail + [5])
            XCTAssertEqual(s.tokensRunBetweenMoves(for: [1] + head + inserted + tail + [5]), inserted.count)
            XCTAssertEqual(s.tokensRunBetweenMoves(for: [1] + head + tail + [7, 8]), 0, "appended: run after, interruptibly")
            XCTAssertEqual(try s.evaluate([1] + head + inserted + tail + [5]), 1 + head.count + tail.count,
                           "\(kvType) insertion: the inserted tokens were run, not reused")
            let shifted = layerZeroCache(s, positions: 1 + head.count + inserted.count + tail.count)
            s.reset()
            try s.evaluate([1] + head + inserted + tail + [5])
            let fresh2 = layerZeroCache(s, positions: 1 + head.count + inserted.count + tail.count)
            assertClose(shifted.keys, fresh2.keys, tolerance: kvType == .f16 ? 8e-3 : 1e-5)
            XCTAssertEqual(shifted.values, fresh2.values)

            // A short run after the removed text is run again instead.
            let short = (0..<20).map { Int32(4 + ($0 * 5) % 46) }  // removed starts with 3
            try s.evaluate([1] + removed + short + [5])
            XCTAssertEqual(try s.evaluate([1] + short + [5]), 1)
        }
    }

    private func layerZeroCache(_ s: Session, positions: Int) -> (keys: [Float], values: [Float]) {
        let n = positions * s.model.config.kvDim, state = s.transformer.state
        switch state.kvType {
        case .f32:
            return (Array(UnsafeBufferPointer(start: state.keyCache.assumingMemoryBound(to: Float.self), count: n)),
                    Array(UnsafeBufferPointer(start: state.valueCache.assumingMemoryBound(to: Float.self), count: n)))
        case .f16:
            let keys = UnsafeBufferPointer(start: state.keyCache.assumingMemoryBound(to: Float16.self), count: n)
            let values = UnsafeBufferPointer(start: state.valueCache.assumingMemoryBound(to: Float16.self), count: n)
            return (keys.map(Float.init), values.map(Float.init))
        }
    }

    func testPromptBeyondContextIsAnError() throws {
        let s = try session()  // context 64
        let long = [Int32](repeating: 3, count: 64)
        XCTAssertThrowsError(try s.generate(prompt: long, maxTokens: 1)) { error in
            XCTAssertEqual(error as? EngineError, .promptTooLong(tokens: 64, context: 64))
            XCTAssertTrue("\(error)".contains("does not fit the context of 64"))
        }
        XCTAssertThrowsError(try s.generate(prompt: [], maxTokens: 1))
        XCTAssertThrowsError(try s.generate(prompt: [50], maxTokens: 1)) { error in
            XCTAssertEqual(error as? EngineError, .invalidToken(50, vocabSize: 50))
        }
    }

    func testContextTooBigForMemoryIsRefusedBeforeAllocating() throws {
        var shape = TinyModel.Shape()
        shape.context = 1 << 30  // KV cache alone: 2 layers x 2^30 positions x 32 x 4 bytes x 2 = 512 GiB
        XCTAssertThrowsError(try session(shape, options: SessionOptions(contextLength: 1 << 30))) { error in
            guard case .notEnoughMemory = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("use a smaller model or a shorter context"))
        }
    }

    func testGenerationStopsWhenContextIsFull() throws {
        let s = try session()
        let result = try s.generate(prompt: [Int32](repeating: 3, count: 60), maxTokens: 100)
        XCTAssertEqual(result.finishReason, .contextFull)
        XCTAssertEqual(s.cachedTokens.count, 64)
    }
}
