import Completion

/// One generation for a completion: the tokens it wrote, their text, and how it ended.
struct GenerationAttempt: Sendable {
    /// Tokens an attempt starts from (already part of the answer, fed to the engine after the prompt).
    struct Start: Sendable {
        var tokens: [Int32] = []
        var pieces: [String] = []
    }

    private(set) var tokens: [Int32]
    /// Decoded text per token (UTF-8 completed across tokens, so a piece may be empty).
    private(set) var pieces: [String]
    private(set) var text: String
    private(set) var result: Generation?
    var hitDeadline = false
    /// Ended at the first-answer time (`CompletionInput.firstAnswer`) with the model still writing: the
    /// answer is the whole words so far, and the precompute after accepting them writes the rest.
    var answeredEarly = false

    init(start: Start = Start()) {
        tokens = start.tokens
        pieces = start.pieces
        text = start.pieces.joined()
    }

    /// The longest decode step so far (zero before the second token): what the next one may take
    /// (steps that check guesses take longer). Tokens a step accepted as guesses arrive together.
    private(set) var stepTime: Duration = .zero
    private var lastTokenAt: ContinuousClock.Instant?

    mutating func append(_ token: Int32, _ piece: String) {
        tokens.append(token)
        pieces.append(piece)
        text += piece
        let now = ContinuousClock.now
        if let last = lastTokenAt { stepTime = max(stepTime, now - last) }
        lastTokenAt = now
    }

    mutating func finish(_ result: Generation) { self.result = result }

    /// Cut short by the token or time limit: the model had not finished, so trimming must not trust
    /// the shape of its last block.
    var truncated: Bool { result?.ending == .maxTokens || hitDeadline || answeredEarly }

    /// `text` cut back to its whole words: without a last word the next token may still extend
    /// (`self.plac` → `self.`) and the blanks before it. Empty when no whole word is written yet.
    static func wholeWords(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex, isWordCharacter(text[text.index(before: end)]) { end = text.index(before: end) }
        while end > text.startIndex, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        return text[..<end]
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// The text ends a line and holds code: where generation may stop at the time limit. Blank lines
    /// do not count, so a prompt that took the whole limit still gets a line that says something,
    /// and neither does a line that opens a block or goes on to the next (`if n < 0:`, `foo(`), so
    /// the answer is not a header without its body.
    var endsALineOfCode: Bool {
        guard text.hasSuffix("\n"), let last = text.split(separator: "\n").last(where: { $0.contains { !$0.isWhitespace } })
        else { return false }
        let code = last.reversed().drop(while: \.isWhitespace)
        return !(code.first.map(Self.continuesOnNextLine.contains) ?? false)
    }

    /// Last characters of a line whose statement goes on below it.
    static let continuesOnNextLine: Set<Character> = [":", "{", "(", "[", ",", "\\"]

    var endedByModel: Bool {
        if case .stopToken = result?.ending { return true }
        return false
    }

    /// The trimmed answer; one given early (`answeredEarly`) keeps the whole words of a line still
    /// being written (trimming already dropped the last line of several) and replaces nothing right of
    /// the cursor: the precompute after accepting them writes the rest.
    func edit(_ plan: CompletionPlan) -> CompletionEdit? {
        guard var edit = plan.edit(for: text, truncated: truncated, endedByModel: endedByModel) else { return nil }
        guard answeredEarly else { return edit }
        let words = Self.wholeWords(edit.text[...])
        if !edit.text.contains(where: \.isNewline), words.contains(where: { !$0.isWhitespace }) { edit.text = String(words) }
        edit.replacedCharactersAfterCursor = 0
        return edit
    }

    /// Where a second try starts: this answer's leading whitespace and line breaks, with the token of
    /// its first word excluded. When it wrote no word and `endingIt` is given (the user asked for this
    /// completion), the whole answer is kept and the tokens that would end it there are excluded.
    /// Nil otherwise.
    /// `healed`: the text the answer had to begin with (token healing: the user's own last characters),
    /// which is not its first word; excluding that would make the model misspell what the user typed
    /// (`initial_indent` → `initial_indenter`).
    func retry(healed: String = "", endingIt stopTokens: Set<Int32>? = nil) -> (kept: Start, excluded: Set<Int32>)? {
        var offset = 0  // UTF-8 bytes of the text before each piece
        let word = pieces.firstIndex { piece in
            defer { offset += piece.utf8.count }
            let own = piece.utf8.dropFirst(max(0, healed.utf8.count - offset))
            return String(decoding: own, as: UTF8.self).contains { !$0.isWhitespace }
        }
        if let word {
            return (Start(tokens: Array(tokens[..<word]), pieces: Array(pieces[..<word])), [tokens[word]])
        }
        guard let stopTokens, endedByModel else { return nil }
        return (Start(tokens: tokens, pieces: pieces), stopTokens)
    }
}
