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

    var endedByModel: Bool {
        if case .stopToken = result?.finishReason { return true }
        return false
    }

    func edit(_ plan: CompletionPlan) -> CompletionEdit? {
        plan.edit(for: text, truncated: truncated, endedByModel: endedByModel)
    }

    /// Where a second try starts: this answer's leading whitespace and line breaks, with the token of
    /// its first word excluded. Nil when it wrote no word.
    func retry() -> (kept: Start, excluded: Int32)? {
        guard let word = pieces.firstIndex(where: { $0.contains { !$0.isWhitespace } }) else { return nil }
        return (Start(tokens: Array(tokens[..<word]), pieces: Array(pieces[..<word])), tokens[word])
    }
}
