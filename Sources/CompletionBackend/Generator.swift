import Completion

/// What the completion pipeline needs of a model: its vocabulary, a prompt run into whatever state
/// the generator keeps (reusing what it already holds), and tokens produced one at a time with a
/// stop decision after each. The in-process engine (`SessionGenerator`) is one; a model behind a
/// server streaming tokens over HTTP is another. Not thread-safe: its worker (`GeneratorWorker`)
/// is the only caller.
///
/// Interrupting: every call takes `interrupt`, asked as often as the generator can act on it (the
/// in-process engine: before every layer); once it says stop, the call throws `CancellationError`
/// (a prompt) or ends the generation as `.interrupted`, keeping what it finished.
public protocol Generator: AnyObject {
    /// Encodes prompt text, names the FIM tokens.
    var vocabulary: any TokenVocabulary { get }
    var fimTokens: FIMTokens { get }

    /// Tokens the generator holds at most, prompt and answer together. Default: no limit known.
    var contextLength: Int { get }

    /// Tokens of a prompt run while typing that a newer request waits for rather than interrupts
    /// (`CompletionPipeline.prefill`): about half a second to a second of prompt. Default 128.
    var unbrokenChunk: Int { get }

    /// Tokens per piece of a prompt run as idle work (a precompute, window growth), which a request
    /// interrupts between pieces or within one where the generator can. Default 32.
    var interruptibleChunk: Int { get }

    /// Keeps as much of the start of `prompt` as the generator holds already (at most all but its last
    /// token) and forgets the rest; returns how many tokens that is.
    func reuse(_ prompt: [Int32]) -> Int

    /// Runs `prompt`, reusing what the generator holds; returns how many prompt tokens it reused.
    func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int

    /// Generates after `request.prompt` (run as `run` would), calling `onToken(id, text)` for each
    /// token (text UTF-8 completed across tokens); `.stop` ends generation before the next token.
    func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                  interrupt: (() -> Bool)?) throws -> Generation

    /// Tokens that bringing the generator to `prompt` would run where nothing can interrupt them
    /// (the in-process engine runs the text between cached runs it moves). Default 0: none known.
    func tokensRunBetweenMoves(for prompt: [Int32]) -> Int

    /// Tokens of `prompt` the generator holds already, where they are or elsewhere (it would not run
    /// them); changes nothing. Default 0: none known.
    func heldTokens(for prompt: [Int32]) -> Int
}

extension Generator {
    public var contextLength: Int { Int.max }
    public var unbrokenChunk: Int { 128 }
    public var interruptibleChunk: Int { 32 }
    public func tokensRunBetweenMoves(for prompt: [Int32]) -> Int { 0 }
    public func heldTokens(for prompt: [Int32]) -> Int { 0 }
}

/// What the per-token callback tells the generator.
public enum TokenDecision: Sendable {
    case `continue`
    case stop
}

/// One generation asked of a `Generator`.
public struct GenerationRequest: Sendable {
    public var prompt: [Int32]
    public var maxTokens: Int
    /// Tokens that end generation; not passed to `onToken`.
    public var stop: Set<Int32>
    /// Tokens the first generated token may not be (a second try after an unusable answer).
    public var excludingFirst: Set<Int32>
    /// Bytes the generated text must begin with (token healing: the prompt's last token was held back).
    public var startingWith: [UInt8]

    public init(prompt: [Int32], maxTokens: Int, stop: Set<Int32> = [], excludingFirst: Set<Int32> = [],
                startingWith: [UInt8] = []) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stop = stop
        self.excludingFirst = excludingFirst
        self.startingWith = startingWith
    }
}

/// How a generation went: its tokens, why it ended, and counts for statistics.
public struct Generation: Sendable {
    public enum Ending: Sendable, Equatable {
        /// A token of `GenerationRequest.stop` came (not part of `tokens`).
        case stopToken(Int32)
        case maxTokens
        /// `onToken` said stop, or `interrupt` did.
        case stopped
        case contextFull
        /// No token could continue `startingWith` (all excluded).
        case noAllowedToken
    }

    public var tokens: [Int32]
    public var ending: Ending
    public var promptTokens = 0
    /// Prompt tokens the generator held already (not run).
    public var reusedTokens = 0
    /// Tokens run after the prompt, and how long that took (`FirstAnswer.afterTokens` learns from it).
    public var decodeTokens = 0
    public var decodeSeconds = 0.0
    /// Forward passes after the prompt, guessed tokens checked and those that held (0 where the
    /// generator does not guess).
    public var decodeSteps = 0
    public var draftedTokens = 0
    public var acceptedDraftTokens = 0

    public init(tokens: [Int32], ending: Ending) {
        self.tokens = tokens
        self.ending = ending
    }
}
