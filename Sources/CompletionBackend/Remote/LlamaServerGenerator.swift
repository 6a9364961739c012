import Completion
import Foundation
import GGUF
import Tokenizer

/// A model behind llama.cpp's `llama-server` as a `Generator`: prompts are built and tokenized here
/// (the vocabulary of a local GGUF, checked against the server's at connect) and sent as token ids
/// to `POST /completion`, greedy, streamed one token per server-sent event, so the pipeline's stop
/// decision and cancellation act per token; closing the stream stops the server's generation.
///
/// What the in-process engine does itself and the server cannot be told:
/// - Token healing (`startingWith`) and `excludingFirst` constrain the first tokens. Each such token
///   is one non-streamed request for one token with the excluded ids biased out (`logit_bias` false),
///   whose answer lists the top candidates of the raw logits (`n_probs`): the first candidate that
///   can begin the required bytes is the engine's choice (the best allowed token). When none of them
///   can, a second request biases every token that can (+100, which keeps their order). Then the
///   rest streams from the prompt plus those tokens; the server's cache holds the prompt already.
/// - KV reuse: each document's prompts go to a slot of their own (`id_slot`, chosen by shared prompt
///   start) with `cache_prompt`, so the server runs only what the slot does not hold.
public final class LlamaServerGenerator: Generator {
    public let url: URL
    public let vocabulary: any TokenVocabulary
    public let fimTokens: FIMTokens
    public let contextLength: Int
    /// One request per prompt: the server runs it in its own batches.
    public let unbrokenChunk = 1 << 20
    /// Idle prompts go in pieces this long, so a request waits for at most one piece.
    public let interruptibleChunk = 256
    /// The model file the server names (`/props`).
    public let serverModel: String
    private let tokenizer: Tokenizer
    private var slots: [Slot]
    private var uses = 0

    /// What a server slot holds, as far as this generator knows (its last prompt and answer).
    struct Slot {
        var tokens: [Int32] = []
        var lastUsed = 0
    }

    /// Candidates asked for per constrained token.
    static let candidates = 20

    /// Connects to the server at `url`: waits while it loads its model (`/health` answers 503), reads
    /// its slots and context, and checks that its vocabulary is the one of `tokenizerModelPath` (a GGUF
    /// whose vocabulary alone is read). `progress` gets a line while waiting.
    public init(url: URL, tokenizerModelPath: String, waitForServer: Duration = .seconds(30),
                progress: (String) -> Void = { _ in }) throws {
        self.url = url
        do {
            tokenizer = try Tokenizer(gguf: try GGUFFile(path: tokenizerModelPath))
        } catch {
            throw EngineBackendError("cannot read the tokenizer of \(tokenizerModelPath): \(error)")
        }
        let vocabulary = TokenizerVocabulary(tokenizer)
        self.vocabulary = vocabulary
        do {
            fimTokens = try FIMTokens.detect(in: vocabulary, model: (tokenizerModelPath as NSString).lastPathComponent)
        } catch {
            throw EngineBackendError("\(error)")
        }
        try Self.waitUntilHealthy(url, patience: waitForServer, progress: progress)
        let props = try Self.json(Self.exchange("GET", url, "/props"))
        let settings = props["default_generation_settings"] as? [String: Any]
        contextLength = (settings?["n_ctx"] as? Int) ?? 2048
        slots = Array(repeating: Slot(), count: max(1, (props["total_slots"] as? Int) ?? 1))
        serverModel = (props["model_path"] as? String) ?? "?"
        try checkVocabulary(tokenizerModelPath: tokenizerModelPath)
    }

    public var slotCount: Int { slots.count }

    // MARK: Connecting

    private static func waitUntilHealthy(_ url: URL, patience: Duration, progress: (String) -> Void) throws {
        let start = ContinuousClock.now
        var said = false
        while true {
            do {
                let exchange = try HTTPExchange("GET", url, path: "/health", silenceLimit: .seconds(10))
                let body = try exchange.readAll()
                if exchange.status == 200 { return }
                guard exchange.status == 503 else {
                    throw EngineBackendError("llama-server at \(url) answered /health with HTTP \(exchange.status): "
                        + String(decoding: body.prefix(200), as: UTF8.self))
                }
                // Loading its model: that may take minutes on a big one, and it will answer.
                if !said { progress("llama-server at \(url) is loading its model"); said = true }
            } catch let failure as HTTPExchange.Failure {
                if ContinuousClock.now - start > patience {
                    throw EngineBackendError("no llama-server at \(url): \(failure); start it (see docs/remote.md) or fix --url")
                }
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }

    /// The server must split text into the same tokens and give the FIM tokens the same ids: prompts
    /// go as ids, and a different vocabulary would read them as other text.
    private func checkVocabulary(tokenizerModelPath: String) throws {
        let f = fimTokens
        let specials = [f.prefix, f.suffix, f.middle, f.repoName, f.fileSeparator].compactMap { $0 }
            .compactMap { vocabulary.tokenText($0) }
        let sample = specials.joined() + "def héllo_wörld(x):\n\treturn x ** 2  # 世界 🙂\n"
        let ours = tokenizer.encode(sample, addBOS: false, parseSpecial: true)
        let body = try Self.json(Self.exchange("POST", url, "/tokenize",
                                                body: ["content": sample, "add_special": false, "parse_special": true]))
        let theirs = (body["tokens"] as? [Any])?.compactMap { ($0 as? Int).map(Int32.init) } ?? []
        guard ours == theirs else {
            throw EngineBackendError(
                "llama-server at \(url) tokenizes differently from \(tokenizerModelPath) (its model: \(serverModel)): "
                    + "pass --tokenizer-model with the GGUF the server runs (or one with the same vocabulary); "
                    + "ours \(ours.prefix(12)), the server's \(theirs.prefix(12))")
        }
    }

    // MARK: Generator

    public func reuse(_ prompt: [Int32]) -> Int {
        let slot = slot(for: prompt)
        return min(Self.commonPrefix(slots[slot].tokens, prompt), max(0, prompt.count - 1))
    }

    public func run(_ prompt: [Int32], interrupt: (() -> Bool)?) throws -> Int {
        let slot = slot(for: prompt)
        let reused = reuse(prompt)
        // `n_predict` 0: the prompt is run into the slot's cache and nothing is generated.
        _ = try Self.json(request(slot: slot, prompt, body: ["n_predict": 0, "stream": false], interrupt: interrupt))
        slots[slot].tokens = prompt
        return reused
    }

    public func generate(_ request: GenerationRequest, onToken: (Int32, String) -> TokenDecision,
                         interrupt: (() -> Bool)?) throws -> Generation {
        let slot = slot(for: request.prompt)
        var generation = Generation(tokens: [], ending: .maxTokens)
        generation.promptTokens = request.prompt.count
        generation.reusedTokens = reuse(request.prompt)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var required = request.startingWith[...]
        var excluded = request.excludingFirst
        let room = contextLength - request.prompt.count
        let maxTokens = min(request.maxTokens, room)
        var firstTokenAt: ContinuousClock.Instant?

        /// Takes `token` as generated; false when generation ends with it.
        func accept(_ token: Int32) -> Bool {
            if request.stop.contains(token) { generation.ending = .stopToken(token); return false }
            generation.tokens.append(token)
            required = required.dropFirst(tokenizer.tokenBytes(token).count)
            if firstTokenAt == nil { firstTokenAt = .now }
            if onToken(token, decoder.append(token)) == .stop { generation.ending = .stopped; return false }
            if generation.tokens.count >= maxTokens {
                generation.ending = maxTokens < request.maxTokens ? .contextFull : .maxTokens
                return false
            }
            return true
        }
        // What the slot holds is unknown until the generation ends well (the server may be gone).
        slots[slot].tokens = []
        var ended = false
        defer { if ended { slots[slot].tokens = request.prompt + generation.tokens.dropLast() } }
        guard maxTokens > 0 else {
            generation.ending = .contextFull
            ended = true
            return generation
        }
        // Constrained first tokens, one request each.
        while !excluded.isEmpty || !required.isEmpty {
            if interrupt?() == true {
                generation.ending = .stopped
                ended = true
                return generation
            }
            guard let token = try constrainedToken(after: request.prompt + generation.tokens, slot: slot,
                                                   excluding: excluded, startingWith: Array(required), interrupt: interrupt)
            else {
                generation.ending = .noAllowedToken
                ended = true
                return generation
            }
            excluded = []
            guard accept(token) else {
                ended = true
                return generation
            }
        }
        // The rest, streamed.
        let streamedOnly = generation.tokens.isEmpty
        let exchange = try self.request(
            slot: slot, request.prompt + generation.tokens,
            body: ["n_predict": maxTokens - generation.tokens.count, "stream": true], interrupt: interrupt)
        defer { exchange.close() }
        var events = ServerSentEvents()
        var finalEvent = false
        reading: while !finalEvent {
            let bytes: [UInt8]?
            do {
                bytes = try exchange.readBody()
            } catch is CancellationError {
                generation.ending = .stopped
                break reading
            } catch let failure as HTTPExchange.Failure {
                throw EngineBackendError("llama-server at \(url): \(failure) (stopped or crashed?)")
            }
            guard let bytes else { break }
            for event in try events.append(bytes) {
                guard case .data(let payload) = event else {
                    if case .error(let message) = event { throw EngineBackendError("llama-server at \(url): \(message.prefix(300))") }
                    continue
                }
                let chunk = try Self.json(Array(payload.utf8), url: url)
                for token in (chunk["tokens"] as? [Any] ?? []).compactMap({ ($0 as? Int).map(Int32.init) }) {
                    guard accept(token) else { break reading }
                }
                if chunk["stop"] as? Bool == true {
                    // "eos": an end-of-generation token of the model, which the server does not send.
                    generation.ending = chunk["stop_type"] as? String == "eos" ? .stopToken(vocabulary.eos ?? -1) : .maxTokens
                    if streamedOnly, let timings = chunk["timings"] as? [String: Any], let cached = timings["cache_n"] as? Int {
                        generation.reusedTokens = cached
                    }
                    finalEvent = true
                }
            }
            if interrupt?() == true { generation.ending = .stopped; break }
        }
        if !finalEvent, generation.ending == .maxTokens {
            throw EngineBackendError("llama-server at \(url) ended the stream before its last event (stopped or crashed?)")
        }
        ended = true
        if let first = firstTokenAt, generation.tokens.count > 1 {
            generation.decodeTokens = generation.tokens.count - 1
            let elapsed = ContinuousClock.now - first
            generation.decodeSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            generation.decodeSteps = generation.decodeTokens
        }
        return generation
    }

    /// The best token after `context` that is not `excluding` and can begin `required` (any token
    /// when it is empty); nil when none can.
    private func constrainedToken(after context: [Int32], slot: Int, excluding: Set<Int32>, startingWith required: [UInt8],
                                  interrupt: (() -> Bool)?) throws -> Int32? {
        func allowed(_ token: Int32) -> Bool {
            guard !excluding.contains(token) else { return false }
            guard !required.isEmpty else { return true }
            let bytes = tokenizer.tokenBytes(token)
            return !bytes.isEmpty && (bytes.starts(with: required) || required.starts(with: bytes))
        }
        let bias: [[Any]] = excluding.sorted().map { [Int($0), false] }
        let answer = try Self.json(request(slot: slot, context, body: [
            "n_predict": 1, "stream": false, "n_probs": Self.candidates, "logit_bias": bias,
        ], interrupt: interrupt))
        // The sampled token already has the exclusions applied; the candidates are the raw logits' best.
        let sampled = (answer["tokens"] as? [Any])?.first.flatMap { $0 as? Int }.map(Int32.init)
        if let sampled, allowed(sampled) { return sampled }
        let probabilities = (answer["completion_probabilities"] as? [[String: Any]])?.first
        let top = (probabilities?["top_logprobs"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int32.init) }
        if let best = top.first(where: allowed) { return best }
        guard !required.isEmpty else { return nil }
        let candidates = tokenizer.tokens(compatibleWith: required).filter { !excluding.contains($0) }
        guard !candidates.isEmpty else { return nil }
        let forced = try Self.json(request(slot: slot, context, body: [
            "n_predict": 1, "stream": false, "logit_bias": bias + candidates.map { [Int($0), 100.0] },
        ], interrupt: interrupt))
        let token = (forced["tokens"] as? [Any])?.first.flatMap { $0 as? Int }.map(Int32.init)
        return token.flatMap { allowed($0) ? $0 : nil }
    }

    // MARK: Requests

    /// `POST /completion` of `prompt` (ids) on `slot`, greedy, with the server's prompt cache, plus `body`.
    private func request(slot: Int, _ prompt: [Int32], body: [String: Any], interrupt: (() -> Bool)?) throws -> HTTPExchange {
        uses += 1
        slots[slot].lastUsed = uses
        var fields: [String: Any] = [
            "prompt": prompt.map(Int.init), "cache_prompt": true, "temperature": 0, "top_k": 1,
            "return_tokens": true, "id_slot": slot,
        ]
        fields.merge(body) { _, new in new }
        do {
            return try Self.exchange("POST", url, "/completion", body: fields, interrupt: interrupt)
        } catch let error as EngineBackendError {
            // The server may have restarted with empty caches.
            for i in slots.indices { slots[i].tokens = [] }
            throw error
        }
    }

    /// An exchange whose status is 200, else an error with the server's message.
    private static func exchange(_ method: String, _ url: URL, _ path: String, body: [String: Any]? = nil,
                                 interrupt: (() -> Bool)? = nil) throws -> HTTPExchange {
        let exchange: HTTPExchange
        do {
            let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
            exchange = try HTTPExchange(method, url, path: path, body: data, interrupt: interrupt)
        } catch let failure as HTTPExchange.Failure {
            throw EngineBackendError("llama-server at \(url): \(failure) (\(method) \(path))")
        }
        guard exchange.status == 200 else {
            let message = (try? exchange.readAll(limit: 1 << 16)).map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? ""
            throw EngineBackendError("llama-server at \(url) answered \(method) \(path) with HTTP \(exchange.status): \(message)")
        }
        return exchange
    }

    /// The JSON object `exchange` answers with.
    private static func json(_ exchange: HTTPExchange) throws -> [String: Any] {
        let body: [UInt8]
        do { body = try exchange.readAll() } catch let failure as HTTPExchange.Failure {
            throw EngineBackendError("llama-server: \(failure) (stopped or crashed?)")
        }
        return try json(body, url: nil)
    }

    private static func json(_ bytes: [UInt8], url: URL?) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw EngineBackendError("llama-server\(url.map { " at \($0)" } ?? "") sent malformed JSON: "
                + String(decoding: bytes.prefix(200), as: UTF8.self))
        }
        return object
    }

    /// The slot for `prompt`: the one holding the longest start of it, when that is at least half of
    /// what the slot holds (the same document, typed on); else the one unused longest (another
    /// document, whose slot keeps its cache for when the user comes back).
    func slot(for prompt: [Int32]) -> Int {
        Self.slot(for: prompt, among: slots)
    }

    static func slot(for prompt: [Int32], among slots: [Slot]) -> Int {
        let shared = slots.map { commonPrefix($0.tokens, prompt) }
        if let best = shared.indices.max(by: { shared[$0] < shared[$1] }), shared[best] > 0,
           shared[best] * 2 >= slots[best].tokens.count {
            return best
        }
        return slots.indices.min { slots[$0].lastUsed < slots[$1].lastUsed } ?? 0
    }

    static func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
