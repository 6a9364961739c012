import Completion

/// What the backend remembers of each document between requests, so that typing what was shown,
/// accepting it, or moving the cursor costs little or no model time. A value with explicit states
/// per document; the backend keeps one behind a lock, and tests walk it without a model.
///
///     nothing ──request ran──► shown ──precompute started──► shown + precomputing
///        ▲                        ▲                                   │ finished
///        └────── forget ──────────┴──── the precomputed answer taken ─┴─► shown + ready
public struct DocumentCompletionCache: Sendable {
    /// The completion for the document as it will be once the shown one is accepted.
    public enum Upcoming: Sendable {
        /// Idle work computes it; a request for exactly that document waits for it.
        case precomputing(RunningPrecompute)
        /// Computed: the completion (what typing-through goes on from) and the answer to give then.
        case ready(ShownCompletion, CompletionOutput)
    }

    public struct Entry: Sendable {
        /// The last completion shown (typing-through answers from it).
        public var shown: ShownCompletion?
        public var upcoming: Upcoming?
        /// Where the prompt whose tokens the generator holds cut the document (`FIMPrompt.window`):
        /// requests cut it there again while that keeps enough, so a cursor moved up or down runs only
        /// the lines around it. Idle time grows it back (window growth).
        public var window: PromptWindow?
        /// A request made while typing was superseded while it ran a prompt the generator mostly
        /// lacked: the user types on, and the next request answers from a short window.
        public var typedOverColdPrompt = false
    }

    private var documents: [String: Entry] = [:]

    public init() {}

    public subscript(uri: String) -> Entry { documents[uri] ?? Entry() }

    /// A request ran the model and `shown` is what it showed (nil: nothing); whatever was upcoming is
    /// for another document now.
    public mutating func requestRan(_ uri: String, shown: ShownCompletion?) {
        documents[uri, default: Entry()].shown = shown
        documents[uri, default: Entry()].upcoming = nil
    }

    /// The answer precomputed for exactly this document, taken: its completion is the one shown now.
    public mutating func takePrecomputed(_ uri: String, prefix: String, suffix: String) -> CompletionOutput? {
        guard case .ready(let next, let output)? = documents[uri]?.upcoming,
              next.prefix == LineEnding.normalized(prefix), next.suffix == LineEnding.normalized(suffix) else { return nil }
        documents[uri]?.shown = next.middle.isEmpty ? nil : next
        documents[uri]?.upcoming = nil
        return output
    }

    /// The rest of the last completion (shown, or precomputed for after it) when the user typed its
    /// beginning; nil otherwise.
    public func typedThrough(_ uri: String, prefix: String, suffix: String) -> CompletionOutput? {
        let entry = self[uri]
        var next: ShownCompletion?
        if case .ready(let completion, _)? = entry.upcoming { next = completion }
        // Partway through an unfinished answer, the rest of the line follows once it is computed.
        let shownSoFar = entry.shown.flatMap { shown in next.flatMap { shown.continued(by: $0) } } ?? entry.shown
        for candidate in [shownSoFar, next].compactMap({ $0 }) {
            if let edit = TypingThrough.remaining(after: candidate, prefix: prefix, suffix: suffix), !edit.text.isEmpty {
                return CompletionOutput(middle: edit.text, replacedCharactersAfterCursor: edit.replacedCharactersAfterCursor,
                                        indentBelow: edit.indentBelow)
            }
        }
        return nil
    }

    /// The precompute computing exactly this document, if one runs.
    public func precomputing(_ uri: String, prefix: String, suffix: String) -> RunningPrecompute? {
        guard case .precomputing(let running)? = documents[uri]?.upcoming,
              running.prefix == LineEnding.normalized(prefix), running.suffix == LineEnding.normalized(suffix) else { return nil }
        return running
    }

    public mutating func precomputeStarted(_ running: RunningPrecompute) {
        documents[running.uri, default: Entry()].upcoming = .precomputing(running)
    }

    /// `running` computed its answer (kept only while it is still the document's upcoming one).
    public mutating func precomputeFinished(_ running: RunningPrecompute, completion: ShownCompletion, output: CompletionOutput) {
        guard case .precomputing(let current)? = documents[running.uri]?.upcoming, current === running else { return }
        documents[running.uri]?.upcoming = .ready(completion, output)
    }

    /// `running` stopped without an answer.
    public mutating func precomputeStopped(_ running: RunningPrecompute) {
        guard case .precomputing(let current)? = documents[running.uri]?.upcoming, current === running else { return }
        documents[running.uri]?.upcoming = nil
    }

    public mutating func setWindow(_ window: PromptWindow?, for uri: String) {
        documents[uri, default: Entry()].window = window
    }

    public mutating func setTypedOverColdPrompt(_ typedOn: Bool, for uri: String) {
        documents[uri, default: Entry()].typedOverColdPrompt = typedOn
    }

    /// The document was closed.
    public mutating func forget(_ uri: String) { documents[uri] = nil }
}
