// A FIM format bound to one vocabulary: the token ids the prompt builder emits and the engine stops on.

/// Keys a GGUF file may use for the FIM control tokens (new names, then the older Code Llama ones).
enum FIMMetadataKey {
    static let prefix = ["tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"]
    static let suffix = ["tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"]
    static let middle = ["tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"]
    static let pad = ["tokenizer.ggml.fim_pad_token_id"]
    static let repo = ["tokenizer.ggml.fim_rep_token_id"]
    static let separator = ["tokenizer.ggml.fim_sep_token_id"]
    static let endOfText = ["tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"]
    static let addBOS = "tokenizer.ggml.add_bos_token"
}

/// What went wrong while choosing a prompt format for a model.
public enum FIMError: Error, Equatable, CustomStringConvertible {
    /// The vocabulary has no fill-in-the-middle control tokens.
    case noFIMTokens(model: String)
    /// A `tokenizer.ggml.fim_*_token_id` key points outside the vocabulary.
    case badTokenID(key: String, id: Int, model: String)

    public var description: String {
        switch self {
        case .noFIMTokens(let model):
            return "\(model): the vocabulary has no fill-in-the-middle tokens (looked for the "
                + "tokenizer.ggml.fim_pre/suf/mid_token_id keys and for the token names of "
                + FIMFormat.table.map(\.name).joined(separator: ", ")
                + "), so it cannot complete between a prefix and a suffix. Use a FIM-trained code model "
                + "(for example qwen2.5-coder-1.5b), or allow plain left-to-right completion."
        case .badTokenID(let key, let id, let model):
            return "\(model): metadata key \(key) names token id \(id), which is not in the vocabulary; "
                + "the file is damaged or was converted wrongly. Re-convert or re-download the model."
        }
    }
}

/// A family's format resolved to token ids of a particular vocabulary.
public struct FIMTokens: Sendable, Equatable {
    /// The table entry this vocabulary matched, or a generic entry built from `fim_*` metadata.
    public var format: FIMFormat
    /// nil only in left-to-right mode (`leftToRight`).
    public var prefix: Int32?
    public var suffix: Int32?
    public var middle: Int32?
    public var repoName: Int32?
    public var fileSeparator: Int32?
    /// Prepended to every prompt when the family wants BOS.
    public var bos: Int32?
    /// Token ids that end generation: the family's stops, its control tokens, the file's EOS.
    public var stopTokens: Set<Int32>
    /// Texts of the stop tokens, for trimming output that was decoded with specials as text.
    public var stopStrings: [String]

    /// True when the prompt is the prefix alone (no FIM tokens; the suffix is ignored).
    public var isLeftToRight: Bool { prefix == nil }
}

extension FIMTokens {
    /// Chooses the format for `vocabulary`: `tokenizer.ggml.fim_*_token_id` keys when present (their
    /// token texts still pick the table entry, for stop tokens and the multi-file layout), token
    /// text otherwise. `model` names the file in error messages.
    public static func detect(in vocabulary: any TokenVocabulary, model: String) throws -> FIMTokens {
        if let fromKeys = try fromMetadata(vocabulary, model: model) {
            return fromKeys
        }
        for format in FIMFormat.table {
            guard
                let pre = firstID(format.prefix, vocabulary),
                let suf = firstID(format.suffix, vocabulary),
                let mid = firstID(format.middle, vocabulary),
                format.markers.allSatisfy({ vocabulary.tokenID(forText: $0) != nil })
            else { continue }
            return bind(format, prefix: pre, suffix: suf, middle: mid, vocabulary)
        }
        throw FIMError.noFIMTokens(model: model)
    }

    /// Plain left-to-right completion for a model without FIM tokens (only when the user asks for it):
    /// the prompt is BOS (if the file adds one) and the prefix; generation ends at EOS.
    public static func leftToRight(_ vocabulary: any TokenVocabulary) -> FIMTokens {
        let format = FIMFormat(
            name: "left-to-right", prefix: [], suffix: [], middle: [],
            stopTokens: ["<|endoftext|>", "<|im_end|>", "</s>", "<eos>", "<|end_of_text|>"],
            multiFile: .commentedInPrefix, bos: .fromModelFile
        )
        var tokens = FIMTokens(
            format: format, prefix: nil, suffix: nil, middle: nil, repoName: nil, fileSeparator: nil,
            bos: nil, stopTokens: [], stopStrings: []
        )
        tokens.bos = wantsBOS(format.bos, vocabulary) ? vocabulary.bos : nil
        tokens.addStops(format.stopTokens, vocabulary)
        if let eos = vocabulary.eos { tokens.addStop(eos, vocabulary) }
        return tokens
    }

    private static func fromMetadata(_ vocabulary: any TokenVocabulary, model: String) throws -> FIMTokens? {
        func id(_ keys: [String]) throws -> Int32? {
            for key in keys {
                guard let value = vocabulary.metadataInt(key) else { continue }
                guard value >= 0, value <= Int(Int32.max), vocabulary.tokenText(Int32(value)) != nil else {
                    throw FIMError.badTokenID(key: key, id: value, model: model)
                }
                return Int32(value)
            }
            return nil
        }
        guard let pre = try id(FIMMetadataKey.prefix), let suf = try id(FIMMetadataKey.suffix),
              let mid = try id(FIMMetadataKey.middle)
        else { return nil }
        let preText = vocabulary.tokenText(pre) ?? ""
        let format = FIMFormat.table.first { format in
            format.prefix.contains(preText) && format.markers.allSatisfy { vocabulary.tokenID(forText: $0) != nil }
        } ?? FIMFormat(
            name: "FIM tokens from GGUF metadata", prefix: [preText], suffix: [], middle: [],
            stopTokens: [], multiFile: .commentedInPrefix, bos: .fromModelFile
        )
        var tokens = bind(format, prefix: pre, suffix: suf, middle: mid, vocabulary)
        // Keys name the repository and separator tokens and extra stops even for unknown families.
        if let repo = try id(FIMMetadataKey.repo) {
            tokens.repoName = tokens.repoName ?? repo
            tokens.addStop(repo, vocabulary)
        }
        if let sep = try id(FIMMetadataKey.separator) {
            tokens.fileSeparator = tokens.fileSeparator ?? sep
            tokens.addStop(sep, vocabulary)
            if tokens.format.multiFile == .commentedInPrefix, tokens.repoName != nil {
                tokens.format.multiFile = .separatorBeforeEachFile
            }
        }
        for keys in [FIMMetadataKey.pad, FIMMetadataKey.endOfText] {
            if let stop = try id(keys) { tokens.addStop(stop, vocabulary) }
        }
        return tokens
    }

    private static func bind(
        _ format: FIMFormat, prefix: Int32, suffix: Int32, middle: Int32, _ vocabulary: any TokenVocabulary
    ) -> FIMTokens {
        var tokens = FIMTokens(
            format: format, prefix: prefix, suffix: suffix, middle: middle,
            repoName: firstID(format.repoName, vocabulary),
            fileSeparator: firstID(format.fileSeparator, vocabulary),
            bos: wantsBOS(format.bos, vocabulary) ? vocabulary.bos : nil,
            stopTokens: [], stopStrings: []
        )
        tokens.addStops(format.stopTokens, vocabulary)
        for id in [prefix, suffix, middle, tokens.repoName, tokens.fileSeparator].compactMap({ $0 }) {
            tokens.addStop(id, vocabulary)
        }
        if let eos = vocabulary.eos { tokens.addStop(eos, vocabulary) }
        // Without a file separator token the multi-file layout falls back to comments in the prefix.
        if tokens.fileSeparator == nil { tokens.format.multiFile = .commentedInPrefix }
        return tokens
    }

    private static func wantsBOS(_ policy: BOSPolicy, _ vocabulary: any TokenVocabulary) -> Bool {
        switch policy {
        case .always: return true
        case .never: return false
        case .fromModelFile: return vocabulary.metadataBool(FIMMetadataKey.addBOS) ?? false
        }
    }

    private static func firstID(_ texts: [String], _ vocabulary: any TokenVocabulary) -> Int32? {
        for text in texts {
            if let id = vocabulary.tokenID(forText: text) { return id }
        }
        return nil
    }

    private mutating func addStops(_ texts: [String], _ vocabulary: any TokenVocabulary) {
        for text in texts {
            if let id = vocabulary.tokenID(forText: text) { addStop(id, vocabulary) }
        }
    }

    private mutating func addStop(_ id: Int32, _ vocabulary: any TokenVocabulary) {
        guard stopTokens.insert(id).inserted, let text = vocabulary.tokenText(id), !text.isEmpty else { return }
        stopStrings.append(text)
    }
}
