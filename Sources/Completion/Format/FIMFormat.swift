// One table entry per model family: how its fill-in-the-middle prompt is laid out and when its
// output ends. Adding a family is adding one `FIMFormat` value to `FIMFormat.table`.

/// Where the suffix goes relative to the prefix.
public enum FIMOrder: String, Sendable, Codable {
    /// prefix-suffix-middle: `PRE prefix SUF suffix MID` (what every supported family is trained on).
    case psm
    /// suffix-prefix-middle: the suffix first, so typing at the cursor only changes the prompt's tail.
    case spm
}

/// How the SPM order is spelled for a family.
public enum SPMLayout: Sendable, Equatable {
    /// `SUF suffix PRE prefix MID` (llama.cpp's generic SPM infill).
    case suffixPrefixMiddle
    /// Code Llama's `PRE SUF suffix MID prefix` (the "<PRE> <SUF>{suf} <MID> {pre}" of its paper).
    case codeLlama
}

/// Whether the prompt starts with BOS.
public enum BOSPolicy: Sendable, Equatable {
    case always
    case never
    /// Follow `tokenizer.ggml.add_bos_token` (false when absent).
    case fromModelFile
}

/// How other files are laid out before the current one.
public enum MultiFileLayout: Sendable, Equatable {
    /// `REPO name` once, then `FILE_SEP path\ncontent` per file, then `FILE_SEP path\n` for the
    /// current file before the FIM tokens (Qwen2.5-Coder, StarCoder2).
    case separatorBeforeEachFile
    /// `path\ncontent FILE_SEP` per file (CodeGemma's file separator; layout not documented in detail).
    case separatorAfterEachFile
    /// No multi-file tokens: other files go at the start of the prefix as plain text headed by a
    /// line comment naming the path (DeepSeek-Coder's repository format, Code Llama).
    case commentedInPrefix
}

/// A model family's fill-in-the-middle format, by token text.
public struct FIMFormat: Sendable, Equatable {
    public var name: String
    /// Accepted spellings of each control token, first match wins (Code Llama's are stored "▁<PRE>").
    public var prefix: [String]
    public var suffix: [String]
    public var middle: [String]
    /// Tokens that must exist, besides the three above, for the vocabulary to count as this family;
    /// they tell apart families that share FIM token names (Qwen and CodeGemma).
    public var markers: [String]
    /// Tokens that end the middle (any that exist in the vocabulary are used). The FIM control tokens
    /// themselves, the file's EOS and the repository tokens are always added.
    public var stopTokens: [String]
    public var repoName: [String]
    public var fileSeparator: [String]
    /// Text after the repository name, before the first file separator.
    public var repoNameTerminator: String
    public var multiFile: MultiFileLayout
    public var bos: BOSPolicy
    /// Encode the prefix as if it started with a space (SentencePiece's implicit leading space; Code
    /// Llama encodes the prefix with it and the suffix without).
    public var prefixLeadingSpace: Bool
    public var spmLayout: SPMLayout
    public var defaultOrder: FIMOrder
    /// In PSM order, put the cursor line's text left of the cursor after the middle token, as the
    /// start of the middle the model continues, instead of at the end of the prefix. Typing on a line
    /// then only appends to the prompt, so the KV cache keeps everything before (the suffix included).
    /// The line's last token is held back (`PromptBuilder.healed`): with the cursor inside a word
    /// the middle would otherwise hold a token split the model never saw (`circle_ar` + `ea`, and
    /// the 0.5B wrote `circle_ar(radius)` for `circle_area`).
    public var cursorLineInMiddle: Bool

    public init(
        name: String, prefix: [String], suffix: [String], middle: [String], markers: [String] = [],
        stopTokens: [String], repoName: [String] = [], fileSeparator: [String] = [],
        repoNameTerminator: String = "\n", multiFile: MultiFileLayout, bos: BOSPolicy,
        prefixLeadingSpace: Bool = false, spmLayout: SPMLayout = .suffixPrefixMiddle,
        defaultOrder: FIMOrder = .psm, cursorLineInMiddle: Bool = false
    ) {
        self.name = name
        self.prefix = prefix
        self.suffix = suffix
        self.middle = middle
        self.markers = markers
        self.stopTokens = stopTokens
        self.repoName = repoName
        self.fileSeparator = fileSeparator
        self.repoNameTerminator = repoNameTerminator
        self.multiFile = multiFile
        self.bos = bos
        self.prefixLeadingSpace = prefixLeadingSpace
        self.spmLayout = spmLayout
        self.defaultOrder = defaultOrder
        self.cursorLineInMiddle = cursorLineInMiddle
    }
}

extension FIMFormat {
    /// Code Llama (Rozière et al. 2023): ids 32007-32010, BOS first, prefix with SentencePiece's leading
    /// space, suffix without; `<EOT>` ends the middle.
    public static let codeLlama = FIMFormat(
        name: "Code Llama",
        prefix: ["<PRE>", "▁<PRE>"], suffix: ["<SUF>", "▁<SUF>"], middle: ["<MID>", "▁<MID>"],
        stopTokens: ["<EOT>", "▁<EOT>"],
        multiFile: .commentedInPrefix, bos: .always, prefixLeadingSpace: true, spmLayout: .codeLlama
    )

    /// Qwen2.5-Coder: the GGUF files carry no `fim_*` keys, so this is found by token text. FIM output
    /// ends with `<|endoftext|>` although the file's EOS is `<|im_end|>`.
    public static let qwen25Coder = FIMFormat(
        name: "Qwen2.5-Coder",
        prefix: ["<|fim_prefix|>"], suffix: ["<|fim_suffix|>"], middle: ["<|fim_middle|>"],
        markers: ["<|fim_pad|>"],
        stopTokens: ["<|endoftext|>", "<|im_end|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>"],
        repoName: ["<|repo_name|>"], fileSeparator: ["<|file_sep|>"],
        multiFile: .separatorBeforeEachFile, bos: .never, cursorLineInMiddle: true
    )

    /// DeepSeek-Coder: fullwidth bars and "▁" in the token names; BOS first; repository context is
    /// plain text with the path in a comment.
    public static let deepSeekCoder = FIMFormat(
        name: "DeepSeek-Coder",
        prefix: ["<｜fim▁begin｜>"], suffix: ["<｜fim▁hole｜>"], middle: ["<｜fim▁end｜>"],
        stopTokens: ["<｜end▁of▁sentence｜>", "<|EOT|>"],
        multiFile: .commentedInPrefix, bos: .always
    )

    /// StarCoder / StarCoder2 (and SantaCoder-style vocabularies): StarCoder2 adds `<repo_name>` and
    /// `<file_sep>` with no newline after the repository name.
    public static let starCoder = FIMFormat(
        name: "StarCoder",
        prefix: ["<fim_prefix>"], suffix: ["<fim_suffix>"], middle: ["<fim_middle>"],
        stopTokens: ["<|endoftext|>", "<file_sep>", "<fim_pad>"],
        repoName: ["<repo_name>"], fileSeparator: ["<file_sep>"], repoNameTerminator: "",
        multiFile: .separatorBeforeEachFile, bos: .never
    )

    /// CodeGemma 2B/7B: same FIM names as Qwen, told apart by `<|file_separator|>`; Gemma wants BOS.
    public static let codeGemma = FIMFormat(
        name: "CodeGemma",
        prefix: ["<|fim_prefix|>"], suffix: ["<|fim_suffix|>"], middle: ["<|fim_middle|>"],
        markers: ["<|file_separator|>"],
        stopTokens: ["<|file_separator|>", "<eos>", "<end_of_turn>"],
        fileSeparator: ["<|file_separator|>"],
        multiFile: .separatorAfterEachFile, bos: .always
    )

    /// Every known family, most specific first (detection takes the first whose tokens all exist).
    public static let table: [FIMFormat] = [codeGemma, qwen25Coder, deepSeekCoder, starCoder, codeLlama]
}
