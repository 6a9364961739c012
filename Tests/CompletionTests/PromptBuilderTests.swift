import XCTest
@testable import Completion

final class PromptBuilderTests: XCTestCase {
    let vocabulary = FakeVocabulary.qwen

    func builder(_ vocabulary: FakeVocabulary = .qwen, budget: PromptBudget = PromptBudget(), order: FIMOrder? = nil) throws -> PromptBuilder {
        PromptBuilder(tokens: try FIMTokens.detect(in: vocabulary, model: "test"), budget: budget, order: order)
    }

    func testQwenPSMLayout() throws {
        let prompt = try builder().build(FIMRequest(prefix: "def f(x):\n    ", suffix: "\n    return y\n"), vocabulary: vocabulary)
        XCTAssertEqual(vocabulary.render(prompt.tokens),
                       "⟨<|fim_prefix|>⟩def f(x):\n⟨<|fim_suffix|>⟩\n    return y\n⟨<|fim_middle|>⟩   ")
    }

    /// Qwen puts the cursor line's text after the middle token, so a keystroke only appends to the
    /// prompt and the KV cache keeps everything before it, the suffix included. The line's last
    /// token is held back for the model to write again (token healing).
    func testTypingOnALineOnlyAppendsToThePrompt() throws {
        let qwen = try builder()
        XCTAssertTrue(qwen.tokens.format.cursorLineInMiddle)
        let suffix = "\n    return y\n\nprint(f(2))\n"
        let before = qwen.build(FIMRequest(prefix: "def f(x):\n    y = x", suffix: suffix), vocabulary: vocabulary)
        let after = qwen.build(FIMRequest(prefix: "def f(x):\n    y = x +", suffix: suffix), vocabulary: vocabulary)
        XCTAssertTrue(after.tokens.starts(with: before.tokens))
        XCTAssertEqual(vocabulary.render(after.tokens),
                       "⟨<|fim_prefix|>⟩def f(x):\n⟨<|fim_suffix|>⟩\n    return y\n\nprint(f(2))\n⟨<|fim_middle|>⟩    y = x ")
        XCTAssertEqual(after.healedText, "+")
        XCTAssertEqual(after.keptPrefix, "def f(x):\n    y = x +")

        // At the start of a line nothing is held back: the prompt ends with the line break.
        let lineStart = qwen.build(FIMRequest(prefix: "def f(x):\n", suffix: suffix), vocabulary: vocabulary)
        XCTAssertEqual(lineStart.healedText, "")
        XCTAssertEqual(lineStart.tokens.last, 151660)
    }

    func testHealingHoldsBackTheLastTokenAndAnyTokenEndingInsideACharacter() throws {
        XCTAssertEqual(PromptBuilder.healed("", vocabulary: vocabulary).healed, "")
        let (kept, healed) = PromptBuilder.healed("    circle_ar", vocabulary: vocabulary)
        XCTAssertEqual(vocabulary.decode(kept), "    circle_a")
        XCTAssertEqual(healed, "r")
        // Byte-level tokens: a split character goes back whole.
        let bytes = ByteVocabulary()
        let split = PromptBuilder.healed("x = \"é", vocabulary: bytes)
        XCTAssertEqual(bytes.decode(split.kept), "x = \"")
        XCTAssertEqual(split.healed, "é")
    }

    func testSpecialTokenNamesInUserTextStayPlainText() throws {
        let prefix = "s = \"<|fim_prefix|><|endoftext|>\"\n"
        let prompt = try builder().build(FIMRequest(prefix: prefix, suffix: "<|fim_middle|>"), vocabulary: vocabulary)
        XCTAssertEqual(prompt.tokens.filter { $0 == 151659 }.count, 1, "only the builder's own <|fim_prefix|>")
        XCTAssertEqual(prompt.tokens.filter { $0 == 151660 }.count, 1, "only the builder's own <|fim_middle|>")
        XCTAssertFalse(prompt.tokens.contains(151643))
        XCTAssertEqual(prompt.tokens.last, 151660)
    }

    func testCodeLlamaPSMHasBOSAndLeadingSpaceOnPrefixOnly() throws {
        let v = FakeVocabulary.codeLlama
        let prompt = try builder(v).build(FIMRequest(prefix: "int f() {", suffix: "}"), vocabulary: v)
        XCTAssertEqual(v.render(prompt.tokens), "⟨<s>⟩⟨▁<PRE>⟩ int f() {⟨▁<SUF>⟩}⟨▁<MID>⟩")
        let spm = try builder(v, order: .spm).build(FIMRequest(prefix: "int f() {", suffix: "}"), vocabulary: v)
        XCTAssertEqual(v.render(spm.tokens), "⟨<s>⟩⟨▁<PRE>⟩⟨▁<SUF>⟩}⟨▁<MID>⟩ int f() {")
    }

    func testGenericSPMAndLeftToRight() throws {
        let spm = try builder(order: .spm).build(FIMRequest(prefix: "a", suffix: "b"), vocabulary: vocabulary)
        XCTAssertEqual(vocabulary.render(spm.tokens), "⟨<|fim_suffix|>⟩b⟨<|fim_prefix|>⟩a⟨<|fim_middle|>⟩")
        let plain = PromptBuilder(tokens: .leftToRight(FakeVocabulary.noFIM))
            .build(FIMRequest(prefix: "x = ", suffix: "ignored"), vocabulary: FakeVocabulary.noFIM)
        XCTAssertEqual(FakeVocabulary.noFIM.render(plain.tokens), "x = ")
    }

    func testBudgetIsAboutThreeToOneAndCutsAtLineBoundaries() throws {
        // 10-character lines = 10 fake tokens each.
        let line = "abcdefghi\n"
        let prefix = String(repeating: line, count: 100) + "xyz"
        let suffix = "rest\n" + String(repeating: line, count: 100)
        let budget = PromptBudget(fileTokens: 400, prefixShare: 0.75, prefixLineGranularity: 1)
        let prompt = try builder(budget: budget).build(FIMRequest(prefix: prefix, suffix: suffix), vocabulary: vocabulary)
        XCTAssertTrue(prompt.keptPrefix.hasSuffix(line + "xyz"), "the lines nearest the cursor are kept")
        XCTAssertTrue(prompt.keptPrefix.hasPrefix(line), "cut at a line boundary")
        XCTAssertTrue(prompt.keptSuffix.hasPrefix("rest\n"))
        XCTAssertTrue(prompt.keptSuffix.hasSuffix("\n"))
        let prefixTokens = prompt.keptPrefix.count, suffixTokens = prompt.keptSuffix.count
        XCTAssertLessThanOrEqual(prefixTokens + suffixTokens, 400)
        XCTAssertGreaterThan(prefixTokens + suffixTokens, 380)
        XCTAssertEqual(Double(prefixTokens) / Double(suffixTokens), 3, accuracy: 0.35)
    }

    func testShortSuffixLeavesItsShareToThePrefix() throws {
        let prefix = String(repeating: "abcdefghi\n", count: 100)
        let budget = PromptBudget(fileTokens: 400, prefixLineGranularity: 1)
        let prompt = try builder(budget: budget).build(FIMRequest(prefix: prefix, suffix: "}\n"), vocabulary: vocabulary)
        XCTAssertEqual(prompt.keptPrefix.count, 390)
    }

    /// A document of 10-token lines ("line 042\n" is 9 characters plus the line's number) split at
    /// the start of line `cursor`, with the cursor line's rest "x".
    private func document(cursorAt cursor: Int) -> FIMRequest {
        let lines = (0..<200).map { String(format: "line %04d\n", $0) }
        return FIMRequest(prefix: lines[..<cursor].joined() + "y", suffix: "x\n" + lines[(cursor + 1)...].joined())
    }

    /// The prompt with the cursor at line `from`, then at line `to` cut afresh and cut with the first
    /// prompt's window; file budget 400 (a suffix budget of 100), no prefix steps.
    private func prompts(movingFrom from: Int, to: Int) throws
        -> (first: FIMPrompt, fresh: FIMPrompt, kept: FIMPrompt, request: FIMRequest) {
        let builder = try builder(budget: PromptBudget(fileTokens: 400, prefixShare: 0.75, prefixLineGranularity: 1))
        let first = builder.build(document(cursorAt: from), vocabulary: vocabulary)
        var moved = document(cursorAt: to)
        let fresh = builder.build(moved, vocabulary: vocabulary)
        moved.lastWindow = first.window
        return (first, fresh, builder.build(moved, vocabulary: vocabulary), moved)
    }

    /// After the cursor moves down, the suffix ends where the last prompt ended it, so the lines below
    /// that end (which a fresh cut would add, and the engine would have to run) stay out; the prefix
    /// is cut as if the suffix were the fitted one.
    func testSuffixEndsWhereTheLastPromptEndedItWhenTheCursorMovesDown() throws {
        let (first, fresh, sticky, moved) = try prompts(movingFrom: 100, to: 104)
        XCTAssertEqual(first.keptSuffix.count, 2 + 9 * 10, "fitted: the cursor line's rest and 9 lines")
        XCTAssertEqual(first.window.linesAfterSuffix, 200 - 101 - 9)
        XCTAssertTrue(first.keptSuffix.hasSuffix("line 0109\n"))
        XCTAssertTrue(fresh.keptSuffix.hasSuffix("line 0113\n"))
        XCTAssertTrue(sticky.keptSuffix.hasSuffix("line 0109\n"), sticky.keptSuffix)
        XCTAssertEqual(sticky.window.linesAfterSuffix, first.window.linesAfterSuffix)
        XCTAssertEqual(sticky.keptPrefix, fresh.keptPrefix)
        // The suffix's tokens are the end of the first prompt's suffix: the KV cache moves them.
        let suffixTokens = { (p: FIMPrompt) in Array(p.tokens[..<p.tokens.firstIndex(of: 151660)!].suffix(5 * 10)) }
        XCTAssertEqual(suffixTokens(sticky), suffixTokens(first))

        // Typing on, the window the prompt gave back keeps the prompt the same.
        var typing = moved
        typing.lastWindow = sticky.window
        let builder = try builder(budget: PromptBudget(fileTokens: 400, prefixShare: 0.75, prefixLineGranularity: 1))
        XCTAssertEqual(builder.build(typing, vocabulary: vocabulary).tokens, sticky.tokens)
    }

    /// A kept suffix grows back to a quarter of its budget by whole lines; one longer than the fitted
    /// cut (the cursor moved up) or with no hint is cut afresh.
    func testStickySuffixKeepsAQuarterOfItsBudgetAndNeverPassesTheFittedCut() throws {
        let (_, fresh, kept, _) = try prompts(movingFrom: 100, to: 108)
        XCTAssertEqual(kept.keptSuffix.count, 2 + 3 * 10, "a quarter of 100 tokens: the rest of the line and 3 lines")
        // The suffix cut afresh (idle time) starts as the kept one: growing it runs only what it adds.
        let middle = kept.tokens.firstIndex(of: 151660)!
        XCTAssertEqual(Array(fresh.tokens.prefix(middle)), Array(kept.tokens.prefix(middle)))

        for line in [90, 150] {  // up, or past the old end
            let (_, fresh, kept, _) = try prompts(movingFrom: 100, to: line)
            XCTAssertEqual(kept.keptSuffix, fresh.keptSuffix, "cursor at \(line)")
        }
    }

    /// After the cursor moves up, the prefix starts where the last prompt started it, so the lines
    /// above that start (which a fresh cut would add, and the engine would have to run) stay out; a
    /// prefix left under a quarter of its budget grows upward to that share.
    func testPrefixStartsWhereTheLastPromptStartedItWhenTheCursorMovesUp() throws {
        let (first, fresh, sticky, _) = try prompts(movingFrom: 100, to: 95)
        XCTAssertEqual(first.window.linesBeforePrefix, 70, "300 tokens of prefix: 30 lines of 10, and the 'y'")
        XCTAssertTrue(first.keptPrefix.hasPrefix("line 0070\n"))
        XCTAssertTrue(fresh.keptPrefix.hasPrefix("line 0065\n"))
        XCTAssertTrue(sticky.keptPrefix.hasPrefix("line 0070\n"), sticky.keptPrefix)
        XCTAssertEqual(sticky.window.linesBeforePrefix, 70)
        XCTAssertEqual(sticky.keptSuffix, fresh.keptSuffix)
        // The prompt starts as the first one did: the KV cache keeps it.
        XCTAssertEqual(Array(sticky.tokens.prefix(10 * 10)), Array(first.tokens.prefix(10 * 10)))

        XCTAssertEqual(try prompts(movingFrom: 100, to: 75).kept.window.linesBeforePrefix, 67,
                       "75 tokens, a quarter of 300: 8 lines of 10")
        let above = try prompts(movingFrom: 100, to: 60)
        XCTAssertEqual(above.kept.keptPrefix, above.fresh.keptPrefix, "above the old start: cut afresh")
    }

    /// Typing one character must leave the prompt's start unchanged so the engine reuses its KV cache.
    func testTypingKeepsTheStablePartOfThePromptForKVReuse() throws {
        let text = (0..<400).map { "let value\($0) = compute(\($0))\n" }.joined()
        let other = ContextFile(path: "Sources/Other.swift", text: "struct Other {}\n")
        let builder = try builder(budget: PromptBudget(fileTokens: 2048, extraContextTokens: 256, prefixLineGranularity: 1))
        var shared: [Double] = []
        var previous: [Int32]? = nil
        var document = text
        for character in "let total = value1 + value2" {
            document.append(character)
            let prompt = builder.build(
                FIMRequest(prefix: document, suffix: "\n}\n", path: "main.swift", repositoryName: "demo", context: [other]),
                vocabulary: vocabulary)
            if let previous {
                let common = zip(previous, prompt.tokens).prefix(while: { $0 == $1 }).count
                shared.append(Double(common) / Double(prompt.tokens.count))
            }
            previous = prompt.tokens
        }
        // Everything but the typed line's last tokens: the cut of a prefix that does not fit stays put.
        XCTAssertGreaterThan(shared.min() ?? 0, 0.98, "share of prompt tokens reused per keystroke: \(shared)")
    }

    func testQwenRepositoryLayoutPutsOtherFilesFirst() throws {
        let request = FIMRequest(
            prefix: "import a\n", suffix: "", path: "src/b.py", repositoryName: "proj",
            context: [
                ContextFile(path: "src/recent.py", text: "x = 1", kind: .recentEdit),
                ContextFile(path: "src/a.py", text: "def a():\n    pass\n"),
            ])
        let prompt = try builder().build(request, vocabulary: vocabulary)
        XCTAssertEqual(vocabulary.render(prompt.tokens),
            "⟨<|repo_name|>⟩proj\n⟨<|file_sep|>⟩src/a.py\ndef a():\n    pass\n⟨<|file_sep|>⟩src/recent.py\nx = 1\n"
            + "⟨<|file_sep|>⟩src/b.py\n⟨<|fim_prefix|>⟩import a\n⟨<|fim_suffix|>⟩⟨<|fim_middle|>⟩")
    }

    func testStarCoder2AndCommentedLayouts() throws {
        let request = FIMRequest(prefix: "p", suffix: "s", path: "b.go", repositoryName: "r",
                                 context: [ContextFile(path: "a.go", text: "package a\n")], lineComment: "//")
        let star = try builder(.starCoder2).build(request, vocabulary: FakeVocabulary.starCoder2)
        XCTAssertEqual(FakeVocabulary.starCoder2.render(star.tokens),
            "⟨<repo_name>⟩r⟨<file_sep>⟩a.go\npackage a\n⟨<file_sep>⟩b.go\n⟨<fim_prefix>⟩p⟨<fim_suffix>⟩s⟨<fim_middle>⟩")
        let deepSeek = try builder(.deepSeek).build(request, vocabulary: FakeVocabulary.deepSeek)
        XCTAssertEqual(FakeVocabulary.deepSeek.render(deepSeek.tokens),
            "⟨<｜begin▁of▁sentence｜>⟩⟨<｜fim▁begin｜>⟩// a.go\npackage a\n\n// b.go\np⟨<｜fim▁hole｜>⟩s⟨<｜fim▁end｜>⟩")
    }

    func testExtraContextRespectsItsBudget() throws {
        let big = ContextFile(path: "big.py", text: String(repeating: "y = 2\n", count: 1000))
        let budget = PromptBudget(fileTokens: 100, extraContextTokens: 60)
        let prompt = try builder(budget: budget).build(
            FIMRequest(prefix: "a", suffix: "", path: "a.py", context: [big]), vocabulary: vocabulary)
        XCTAssertLessThanOrEqual(prompt.contextTokenCount, 60 + 8)
        XCTAssertTrue(vocabulary.render(prompt.tokens).contains("big.py\ny = 2\n"))
    }
}

/// One token per UTF-8 byte, as byte-level BPE falls back to: a character can span tokens.
private struct ByteVocabulary: TokenVocabulary {
    func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }
    func decode(_ ids: [Int32]) -> String { String(decoding: ids.map { UInt8($0) }, as: UTF8.self) }
    func tokenID(forText text: String) -> Int32? { nil }
    func tokenText(_ id: Int32) -> String? { nil }
    var bos: Int32? { nil }
    var eos: Int32? { nil }
    func metadataInt(_ key: String) -> Int? { nil }
    func metadataBool(_ key: String) -> Bool? { nil }
}
