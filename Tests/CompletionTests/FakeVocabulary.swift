// A vocabulary for tests: special tokens by name, and one token per character of plain text
// (id = 1000 + scalar value), so special names inside user text visibly encode as many tokens.
import Completion

struct FakeVocabulary: TokenVocabulary {
    var specials: [String: Int32]
    var metadata: [String: Int] = [:]
    var flags: [String: Bool] = [:]
    var bos: Int32?
    var eos: Int32?

    init(specials: [String: Int32], bos: Int32? = nil, eos: Int32? = nil,
         metadata: [String: Int] = [:], flags: [String: Bool] = [:]) {
        self.specials = specials
        self.bos = bos
        self.eos = eos
        self.metadata = metadata
        self.flags = flags
    }

    func encode(_ text: String) -> [Int32] { text.unicodeScalars.map { 1000 + Int32($0.value) } }
    func decode(_ ids: [Int32]) -> String { ids.compactMap { $0 >= 1000 ? tokenText($0) : nil }.joined() }
    func tokenID(forText text: String) -> Int32? { specials[text] }
    func tokenText(_ id: Int32) -> String? {
        if let name = specials.first(where: { $0.value == id })?.key { return name }
        guard id >= 1000, let scalar = Unicode.Scalar(UInt32(id - 1000)) else { return nil }
        return String(Character(scalar))
    }
    func metadataInt(_ key: String) -> Int? { metadata[key] }
    func metadataBool(_ key: String) -> Bool? { flags[key] }

    /// Decodes ids back to text, specials as `⟨name⟩`, to read prompts in assertions.
    func render(_ ids: [Int32]) -> String {
        ids.map { id in
            if let name = specials.first(where: { $0.value == id })?.key { return "⟨\(name)⟩" }
            return tokenText(id) ?? "?"
        }.joined()
    }

    static let qwen = FakeVocabulary(specials: [
        "<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645,
        "<|fim_prefix|>": 151659, "<|fim_middle|>": 151660, "<|fim_suffix|>": 151661,
        "<|fim_pad|>": 151662, "<|repo_name|>": 151663, "<|file_sep|>": 151664,
    ], bos: 151643, eos: 151645, flags: ["tokenizer.ggml.add_bos_token": false])

    static let codeLlama = FakeVocabulary(specials: [
        "<s>": 1, "</s>": 2, "▁<PRE>": 32007, "▁<SUF>": 32008, "▁<MID>": 32009, "▁<EOT>": 32010,
    ], bos: 1, eos: 2)

    static let deepSeek = FakeVocabulary(specials: [
        "<｜begin▁of▁sentence｜>": 32013, "<｜end▁of▁sentence｜>": 32014,
        "<｜fim▁hole｜>": 32015, "<｜fim▁begin｜>": 32016, "<｜fim▁end｜>": 32017,
    ], bos: 32013, eos: 32014)

    static let starCoder2 = FakeVocabulary(specials: [
        "<|endoftext|>": 0, "<fim_prefix>": 1, "<fim_middle>": 2, "<fim_suffix>": 3, "<fim_pad>": 4,
        "<repo_name>": 5, "<file_sep>": 6,
    ], bos: 0, eos: 0)

    static let codeGemma = FakeVocabulary(specials: [
        "<pad>": 0, "<eos>": 1, "<bos>": 2, "<|fim_prefix|>": 67, "<|fim_middle|>": 68,
        "<|fim_suffix|>": 69, "<|file_separator|>": 70, "<end_of_turn>": 107,
    ], bos: 2, eos: 1)

    /// SmolLM2-like: chat tokens, no FIM tokens.
    static let noFIM = FakeVocabulary(specials: [
        "<|endoftext|>": 0, "<|im_start|>": 1, "<|im_end|>": 2, "<repo_name>": 3, "<file_sep>": 5,
    ], bos: 1, eos: 2)
}
