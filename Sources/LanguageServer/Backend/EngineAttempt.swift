import Completion
import LlamaEngine

/// One run of the engine for a completion: the tokens it wrote, their text, and how it ended.
struct EngineAttempt {
    /// Tokens an attempt starts from (already part of the answer, fed to the engine after the prompt).
    struct Start {
        var tokens: [Int32] = []
        var pieces: [String] = []
    }

    private(set) var tokens: [Int32]
    /// Decoded text per token (UTF-8 completed across tokens, so a piece may be empty).
    private(set) var pieces: [String]
    private(set) var text: String
    private(set) var result: GenerationResult?
    var hitDeadline = false

    init(start: Start = Start()) {
        tokens = start.tokens
        pieces = start.pieces
        text = start.pieces.joined()
    }

    mutating func append(_ token: Int32, _ piece: String) {
        tokens.append(token)
        pieces.append(piece)
        text += piece
    }

    mutating func finish(_ result: GenerationResult) { self.result = result }

    /// Cut short by the token or time limit: the model had not finished, so trimming must not trust
    /// the shape of its last block.
    var truncated: Bool { result?.finishReason == .maxTokens || hitDeadline }

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
        if case .stopToken = result?.finishReason { return true }
        return false
    }

    func edit(_ plan: CompletionPlan) -> CompletionEdit? {
        plan.edit(for: text, truncated: truncated, endedByModel: endedByModel)
    }

    /// Where a second try starts: this answer's leading whitespace and line breaks, with the token of
    /// its first word excluded. When it wrote no word and `endingIt` is given (the user asked for this
    /// completion), the whole answer is kept and the tokens that would end it there are excluded.
    /// Nil otherwise.
    func retry(endingIt stopTokens: Set<Int32>? = nil) -> (kept: Start, excluded: Set<Int32>)? {
        if let word = pieces.firstIndex(where: { $0.contains { !$0.isWhitespace } }) {
            return (Start(tokens: Array(tokens[..<word]), pieces: Array(pieces[..<word])), [tokens[word]])
        }
        guard let stopTokens, endedByModel else { return nil }
        return (Start(tokens: tokens, pieces: pieces), stopTokens)
    }
}
