// The prompt's budget applies within a line too, and a prompt costs work in proportion to its
// budget, not to the document: long lines, long files, emoji.
import XCTest
import GGUF
import Tokenizer
import InfillTestSupport
@testable import Completion

/// Forwards to another vocabulary, saying how many bytes a token holds at most (nil: the builder
/// tokenizes whole lines), and adds up the bytes it was given to encode.
private final class Measured: TokenVocabulary, @unchecked Sendable {
    let base: any TokenVocabulary
    let maxBytesPerToken: Int?
    private(set) var encodedBytes = 0

    init(_ base: any TokenVocabulary, maxBytesPerToken: Int?) {
        self.base = base
        self.maxBytesPerToken = maxBytesPerToken
    }

    func encode(_ text: String) -> [Int32] {
        encodedBytes += text.utf8.count
        return base.encode(text)
    }
    func decode(_ ids: [Int32]) -> String { base.decode(ids) }
    func tokenID(forText text: String) -> Int32? { base.tokenID(forText: text) }
    func tokenText(_ id: Int32) -> String? { base.tokenText(id) }
    var bos: Int32? { base.bos }
    var eos: Int32? { base.eos }
    func metadataInt(_ key: String) -> Int? { base.metadataInt(key) }
    func metadataBool(_ key: String) -> Bool? { base.metadataBool(key) }
}

final class LongLineTests: XCTestCase {
    private func qwen() throws -> TokenizerVocabulary {
        TokenizerVocabulary(try Tokenizer(gguf: try GGUFFile(path: try TestModels.path("qwen2.5-coder-0.5b"))))
    }

    private func builder(_ vocabulary: any TokenVocabulary, budget: PromptBudget = PromptBudget()) throws -> PromptBuilder {
        PromptBuilder(tokens: try FIMTokens.detect(in: vocabulary, model: "qwen2.5-coder-0.5b"), budget: budget)
    }

    /// A document split at `cursor` (a byte offset, moved back to a character boundary).
    private func request(_ text: String, cursor: Int, lastWindow: PromptWindow? = nil) -> FIMRequest {
        var i = text.utf8.index(text.startIndex, offsetBy: min(cursor, text.utf8.count))
        while i.samePosition(in: text) == nil { i = text.utf8.index(before: i) }
        return FIMRequest(prefix: String(text[..<i]), suffix: String(text[i...]), lastWindow: lastWindow)
    }

    /// Cutting by bytes first changes nothing for ordinary documents: the same prompts, windows and
    /// sticky cuts as tokenizing the whole document, for budgets from tiny to the default, cursors
    /// anywhere, and the last prompt's window given back. The fake vocabulary's one token per
    /// character holds up to 4 bytes.
    func testCuttingByBytesFirstGivesTheSamePrompts() throws {
        var rng = SplitMix64(seed: 20)
        let pieces = ["x", "value", " ", "    ", "é", "😀", "(", ")", "=", "1", "\t", "// note", "ab"]
        for round in 0..<40 {
            let lines = (0..<Int.random(in: 1...300, using: &rng)).map { _ in
                (0..<Int.random(in: 0...(round % 5 == 0 ? 200 : 12), using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            }
            let text = lines.joined(separator: "\n") + (Bool.random(using: &rng) ? "\n" : "")
            let budget = PromptBudget(fileTokens: [20, 60, 400, 1536][round % 4],
                                      prefixLineGranularity: [1, 16][round % 2])
            let whole = Measured(FakeVocabulary.qwen, maxBytesPerToken: nil)
            let cut = Measured(FakeVocabulary.qwen, maxBytesPerToken: 4)
            var last: PromptWindow?
            for _ in 0..<6 {
                let r = request(text, cursor: Int.random(in: 0...text.utf8.count, using: &rng), lastWindow: last)
                let expected = try builder(whole, budget: budget).build(r, vocabulary: whole)
                let actual = try builder(cut, budget: budget).build(r, vocabulary: cut)
                XCTAssertEqual(actual, expected, "round \(round)")
                last = Bool.random(using: &rng) ? expected.window : nil
            }
        }
    }

    /// The same with the real tokenizer on real code, a file of about a megabyte.
    func testCuttingByBytesFirstGivesTheSamePromptsWithTheRealTokenizer() throws {
        let qwen = try qwen()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = ""
        for dir in ["Sources/Completion", "Sources/LanguageServer", "Sources/Tokenizer"] {
            let base = root.appendingPathComponent(dir).path
            for rel in (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []).sorted()
            where rel.hasSuffix(".swift") {
                text += (try? String(contentsOfFile: base + "/" + rel, encoding: .utf8)) ?? ""
            }
        }
        text = String(repeating: text, count: max(1, 1_000_000 / max(1, text.utf8.count)))
        let whole = Measured(qwen, maxBytesPerToken: nil)
        let cut = Measured(qwen, maxBytesPerToken: qwen.maxBytesPerToken)
        var last: PromptWindow?
        for cursor in stride(from: 0, through: text.utf8.count, by: text.utf8.count / 7) {
            let r = request(text, cursor: cursor, lastWindow: last)
            let expected = try builder(whole).build(r, vocabulary: whole)
            XCTAssertEqual(try builder(cut).build(r, vocabulary: cut), expected, "cursor at \(cursor)")
            last = expected.window
        }
    }

    /// A 2 MB line: a prompt within the budget, its cursor line the end of the line before the cursor
    /// and its suffix the start of the rest, and work in proportion to the budget.
    func testTwoMegabyteLineGivesAPromptWithinTheBudget() throws {
        let qwen = try qwen()
        let line = "x = [" + String(repeating: "1, ", count: 700_000) + "2]\n"
        let budget = PromptBudget()
        for cursor in [1_000_000, line.utf8.count - 3, line.utf8.count - 1, 1] {
            let measured = Measured(qwen, maxBytesPerToken: qwen.maxBytesPerToken)
            let r = request(line, cursor: cursor)
            let prompt = try builder(measured, budget: budget).build(r, vocabulary: measured)
            XCTAssertLessThanOrEqual(prompt.tokens.count, budget.fileTokens + 8, "cursor at \(cursor)")
            XCTAssertTrue(r.prefix.hasSuffix(prompt.keptPrefix))
            XCTAssertTrue(r.suffix.hasPrefix(prompt.keptSuffix))
            if r.prefix.utf8.count > 100_000 { XCTAssertGreaterThan(prompt.keptPrefix.utf8.count, 1000) }
            // Bounded work: a few passes over the window, whatever the line's length.
            let window = budget.fileTokens * qwen.maxBytesPerToken!
            XCTAssertLessThan(measured.encodedBytes, 6 * window, "cursor at \(cursor)")
            let kept = r.suffix.utf8.prefix(prompt.keptSuffix.utf8.count).endIndex
            XCTAssertEqual(prompt.window, PromptWindow(linesBeforePrefix: 0,
                                                       linesAfterSuffix: LineSlicing.linesAfter(r.suffix[..<kept], in: r.suffix)))
        }
    }

    /// Typing at the end of a long line leaves the prompt's start (and the KV cache) where it is:
    /// the cut moves in steps.
    func testTypingOnALongLineKeepsThePromptStart() throws {
        let qwen = try qwen()
        let builder = try builder(qwen)
        var line = "data = [" + String(repeating: "42, ", count: 50_000)
        var previous = builder.build(FIMRequest(prefix: line, suffix: "]\n"), vocabulary: qwen)
        var unchanged = 0
        for character in "7, 8, 9, 10" {
            line.append(character)
            let prompt = builder.build(FIMRequest(prefix: line, suffix: "]\n"), vocabulary: qwen)
            let middle = prompt.tokens.firstIndex(of: 151660)!
            if prompt.tokens[...(middle + 100)] == previous.tokens[...(middle + 100)] { unchanged += 1 }
            previous = prompt
        }
        XCTAssertGreaterThanOrEqual(unchanged, 9, "keystrokes that kept the prompt's first 100 tokens of the line")
    }

    /// Five lines of 1,500 emoji (several code points each, some joined): the cursor line past the
    /// budget is cut between characters, and the prompt stays within the budget.
    func testEmojiLinesStayWithinTheBudget() throws {
        let qwen = try qwen()
        let emoji = ["😀", "👨‍👩‍👧", "👍🏽", "🇫🇷", "❤️", "🧑‍💻", "🐍"]
        var rng = SplitMix64(seed: 5)
        let lines = (0..<5).map { _ in (0..<1500).map { _ in emoji.randomElement(using: &rng)! }.joined() }
        let text = lines.joined(separator: "\n") + "\n"
        let budget = PromptBudget()
        for (line, column) in [(4, 1500), (2, 750), (0, 0), (4, 0)] {
            let prefix = lines[..<line].map { $0 + "\n" }.joined() + String(lines[line].prefix(column))
            let suffix = String(text.dropFirst(prefix.count))
            let measured = Measured(qwen, maxBytesPerToken: qwen.maxBytesPerToken)
            let prompt = try builder(measured, budget: budget).build(FIMRequest(prefix: prefix, suffix: suffix), vocabulary: measured)
            XCTAssertLessThanOrEqual(prompt.tokens.count, budget.fileTokens + 8, "line \(line) column \(column)")
            XCTAssertTrue(prefix.hasSuffix(prompt.keptPrefix))
            XCTAssertTrue(suffix.hasPrefix(prompt.keptSuffix))
            // Whole characters: no joiner, modifier or lone regional indicator at the cut.
            for kept in [prompt.keptPrefix, prompt.keptSuffix] where !kept.isEmpty {
                XCTAssertTrue(kept.allSatisfy { emoji.contains(String($0)) || $0 == "\n" }, "line \(line) column \(column)")
            }
            XCTAssertLessThan(measured.encodedBytes, 6 * budget.fileTokens * qwen.maxBytesPerToken!)
        }
    }

    /// The trimming passes run between tokens; on a long line they see the code near the cursor, on
    /// an ordinary document all of it.
    func testTrimmingSeesTheDocumentNearTheCursor() throws {
        let vocabulary = Measured(FakeVocabulary.qwen, maxBytesPerToken: 4)
        let builder = try builder(vocabulary)
        let line = "x = [" + String(repeating: "1, ", count: 700_000)
        let long = CompletionPlan(builder: builder, vocabulary: vocabulary, prefix: "def f():\n" + line,
                                  suffix: line + "2]\n" + String(repeating: "y = 1\n", count: 100_000))
        XCTAssertLessThanOrEqual(long.trimContext.prefix.utf8.count, CompletionPlan.trimmedDocumentBytes + CompletionPlan.trimmedLineBytes)
        XCTAssertLessThanOrEqual(long.trimContext.suffix.utf8.count, CompletionPlan.trimmedLineBytes)
        XCTAssertTrue(long.trimContext.lineBeforeCursor.hasSuffix("1, 1, "))
        XCTAssertEqual(long.edit(for: "1, 2]")?.text, "1, 2]")

        let prefix = "def f(x):\n    return [", suffix = "]\n\nprint(f(1))\n"
        let ordinary = CompletionPlan(builder: builder, vocabulary: vocabulary, prefix: prefix, suffix: suffix)
        XCTAssertEqual(ordinary.trimContext, TrimContext(prefix: prefix, suffix: suffix, indentStyle: ordinary.trimContext.indentStyle,
                                                         stopStrings: ordinary.trimContext.stopStrings))
    }

    func testLineCutsFallBetweenCharacters() {
        let family = "👨‍👩‍👧"
        let line = String(repeating: family + "é", count: 300)
        let v = FakeVocabulary.qwen
        let tail = LineCut.tail(of: line, bytesBefore: 0, budget: 50, step: 7, vocabulary: v)
        XCTAssertTrue(tail.hasPrefix(family) || tail.hasPrefix("é"), String(tail.prefix(3)))
        XCTAssertTrue(line.hasSuffix(tail))
        XCTAssertLessThanOrEqual(tail.unicodeScalars.count, 50)
        let head = LineCut.head(of: line + "\nnext\n", cutInFirstLine: false, budget: 50, vocabulary: v)
        XCTAssertTrue(head.hasSuffix(family) || head.hasSuffix("é"))
        XCTAssertTrue(line.hasPrefix(head))
        XCTAssertEqual(LineCut.head(of: "short\nnext\n", cutInFirstLine: false, budget: 50, vocabulary: v), "short\nnext\n")
        XCTAssertEqual(LineCut.tail(of: "short", bytesBefore: 0, budget: 50, step: 7, vocabulary: v), "short")
    }

    func testWindowCountsTheLinesItLeavesOut() {
        let prefix = String(repeating: "abc\n", count: 100) + "cursor line"
        let suffix = " rest\n" + String(repeating: "def\n", count: 50) + "end"
        let w = DocumentWindow(prefix: prefix, suffix: suffix, maxBytes: 41)
        XCTAssertEqual(w.body, String(repeating: "abc\n", count: 10))
        XCTAssertEqual(w.linesBeforeBody, 90)
        XCTAssertEqual(w.cursorLine, "cursor line")
        XCTAssertEqual(w.suffix, " rest\n" + String(repeating: "def\n", count: 8))
        XCTAssertFalse(w.suffixEndsInFirstLine)
        for kept in [0, 6, w.suffix.utf8.count] {
            let head = suffix.utf8.prefix(kept)
            XCTAssertEqual(w.linesAfter(keptBytes: kept), LineSlicing.linesAfter(suffix[..<head.endIndex], in: suffix))
        }
        let long = DocumentWindow(prefix: String(repeating: "é", count: 100), suffix: String(repeating: "😀", count: 100), maxBytes: 41)
        XCTAssertEqual(long.cursorLine, String(repeating: "é", count: 20))
        XCTAssertEqual(long.cursorLineBytesBefore, 160)
        XCTAssertEqual(long.suffix, String(repeating: "😀", count: 10))
        XCTAssertTrue(long.suffixEndsInFirstLine)
        XCTAssertEqual(long.linesAfter(keptBytes: 40), 1)
    }
}
