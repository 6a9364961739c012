import Foundation
import LSPProtocol
import Completion
import CompletionBackend

/// A deterministic backend for tests and for `infill lsp --scripted-backend` (hidden) until the
/// engine is wired: the answer is a pure function of the input. It waits on a gate when told to, so
/// tests can hold a generation "running" and check cancellation and superseding without timing.
public final class ScriptedBackend: CompletionBackend, @unchecked Sendable {
    public typealias Script = @Sendable (CompletionInput) -> String
    private let output: @Sendable (CompletionInput) -> CompletionOutput
    private let state = ScriptState()

    public init(script: @escaping Script) {
        self.output = { CompletionOutput(middle: script($0), generatedTokens: 1) }
    }

    /// The default answers (`defaultScript`), plus the marked case of `indentingOutput`.
    public init() {
        self.output = { input in
            Self.indentingOutput(input) ?? CompletionOutput(middle: Self.defaultScript(input), generatedTokens: 1)
        }
    }

    /// A script that answers with the whole output (an `indentBelow`, replaced closers).
    public init(output: @escaping @Sendable (CompletionInput) -> CompletionOutput) { self.output = output }

    /// The default answer: a fixed completion per mode, so e2e tests can check edits.
    public static let defaultScript: Script = { input in
        switch input.mode {
        case .docstring: return "Scripted docstring."
        case .inline, .completion:
            let lastLine = input.prefix.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
            return lastLine.hasSuffix("(") ? "x, y)" : "scripted_completion()"
        }
    }

    /// The marker that asks for a completion with a second edit (editor tests of `infill.indentLines`).
    public static let indentBelowMarker = "# scripted: indent below"

    /// On a blank line over a line ending with `indentBelowMarker`: a header whose body that line
    /// becomes, indented one step deeper by the completion's second edit.
    static func indentingOutput(_ input: CompletionInput) -> CompletionOutput? {
        guard input.mode != .docstring else { return nil }
        let lines = input.suffix.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1, lines[0].allSatisfy(\.isWhitespace), lines[1].hasSuffix(indentBelowMarker) else { return nil }
        return CompletionOutput(middle: "if ready:", indentBelow: IndentBelow(firstLine: 1, lines: [String(lines[1])], indentation: "    "),
                                generatedTokens: 1)
    }

    public var modelDescription: String? { "scripted backend (no model loaded)" }

    /// The documents the server said were opened (`documentOpened`), in order, with the input it expects first.
    public var opened: [CompletionInput] { state.lock.withLock { state.opened } }

    public func documentOpened(_ input: CompletionInput) {
        state.lock.withLock {
            state.opened.append(input)
            if state.opened.count > Self.recordedCallLimit { state.opened.removeFirst(state.opened.count / 2) }
        }
    }

    /// Inputs seen so far, in call order (the last `recordedCallLimit`: a long session must not grow).
    public static let recordedCallLimit = 1000
    public var calls: [CompletionInput] { state.lock.withLock { state.calls } }

    /// While held, `complete` blocks (polling `isCancelled`) until `release()` or cancellation.
    public func hold() { state.lock.withLock { state.held = true } }
    public func release() { state.lock.withLock { state.held = false } }
    /// How many generations are blocked in `hold`.
    public var waiting: Int { state.lock.withLock { state.waiting } }

    public func complete(_ input: CompletionInput, cancellation: CancellationToken) async throws -> CompletionOutput {
        let isCancelled = { cancellation.isCancelled }
        state.lock.withLock {
            state.calls.append(input)
            if state.calls.count > Self.recordedCallLimit { state.calls.removeFirst(state.calls.count / 2) }
            state.running += 1
            state.maxRunning = max(state.maxRunning, state.running)
        }
        defer { state.lock.withLock { state.running -= 1 } }
        var counted = false
        while state.lock.withLock({ state.held }) {
            if !counted { state.lock.withLock { state.waiting += 1 }; counted = true }
            if isCancelled() { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        if counted { state.lock.withLock { state.waiting -= 1 } }
        if isCancelled() { throw CancellationError() }
        return output(input)
    }

    /// The most generations that ever ran at once (the server promises 1).
    public var maxConcurrent: Int { state.lock.withLock { state.maxRunning } }

    private final class ScriptState: @unchecked Sendable {
        let lock = NSLock()
        var calls: [CompletionInput] = []
        var opened: [CompletionInput] = []
        var held = false
        var waiting = 0
        var running = 0
        var maxRunning = 0
    }
}
