// One completion request from document text to edit: the single entry point the language server
// needs. It normalizes line endings, resolves the indentation style, builds the prompt and carries
// the trimming context and the streaming stop that belong to it.

/// The editor's `FormattingOptions` (both optional: not every client sends them).
public struct EditorFormatting: Sendable, Equatable {
    public var insertSpaces: Bool?
    public var tabSize: Int?

    public init(insertSpaces: Bool? = nil, tabSize: Int? = nil) {
        self.insertSpaces = insertSpaces
        self.tabSize = tabSize
    }
}

/// Prompt, trimming context and stop rule for one completion.
public struct CompletionPlan: Sendable {
    /// Token ids for the engine, with the ids that end generation.
    public let prompt: FIMPrompt
    public let trimContext: TrimContext
    public let streamingStop: StreamingStop

    /// Builds the plan. `prefix` and `suffix` are the document's text before and after the cursor
    /// in any line ending; `context` holds other open documents and recent edits, stable first;
    /// `lastWindow` is the last prompt's `FIMPrompt.window` for this document. `followsModel`: the user
    /// asked for this completion or it is a menu item (`TrimContext.followsModel`).
    public init(
        builder: PromptBuilder, vocabulary: any TokenVocabulary,
        prefix: String, suffix: String, path: String? = nil, repositoryName: String? = nil,
        context: [ContextFile] = [], language: DocLanguage? = nil,
        formatting: EditorFormatting = EditorFormatting(), policy: LinePolicy = .auto,
        extraStopStrings: [String] = [], lastWindow: PromptWindow? = nil, followsModel: Bool = false
    ) {
        let hasBreak = prefix.utf8.contains(UInt8(ascii: "\n")) || prefix.utf8.contains(UInt8(ascii: "\r"))
        let ending = LineEnding.detect(in: hasBreak ? prefix : suffix)
        let prefix = LineEnding.normalized(prefix)
        let suffix = LineEnding.normalized(suffix)
        let request = FIMRequest(
            prefix: prefix, suffix: Self.promptSuffix(prefix: prefix, suffix: suffix), path: path, repositoryName: repositoryName,
            context: context.map { ContextFile(path: $0.path, text: LineEnding.normalized($0.text), kind: $0.kind) },
            lineComment: language?.lineComment, lastWindow: lastWindow)
        prompt = builder.build(request, vocabulary: vocabulary)
        // Indentation is judged on the text near the cursor, which is what the model imitates.
        let nearby = String(prefix.suffix(4000)) + String(suffix.prefix(2000))
        // The passes run between tokens and read the code near the cursor, so they get the document
        // near it: a long line or file then costs each token what an ordinary one does.
        let near = DocumentWindow(prefix: prefix, suffix: suffix, maxBytes: Self.trimmedDocumentBytes,
                                  maxLineBytes: Self.trimmedLineBytes)
        trimContext = TrimContext(
            prefix: near.body + near.cursorLine, suffix: near.suffix, lineEnding: ending,
            indentStyle: IndentStyle.resolve(document: nearby, insertSpaces: formatting.insertSpaces, tabSize: formatting.tabSize),
            policy: policy, stopStrings: prompt.stopStrings + extraStopStrings, followsModel: followsModel)
        streamingStop = StreamingStop(context: trimContext)
    }

    /// Bytes of whole lines on each side of the cursor, and of the cursor line on each side of it, that
    /// the trimming passes see (ordinary files are smaller: they see all of it).
    static let trimmedDocumentBytes = 64 << 10
    static let trimmedLineBytes = 8 << 10

    /// The suffix the model sees. On a blank line the line itself is the hole: the suffix starts at
    /// the next line, as in FIM training where the middle is whole lines with their line break (and
    /// the HumanEval holes of the benchmarks); the trimming drops the middle's last line break.
    static func promptSuffix(prefix: String, suffix: String) -> String {
        let lineStart = prefix.lastIndex(of: "\n").map { prefix.index(after: $0) } ?? prefix.startIndex
        guard Text.isBlank(prefix[lineStart...]),
              let newline = suffix.firstIndex(of: "\n"), Text.isBlank(suffix[..<newline])
        else { return suffix }
        return String(suffix[suffix.index(after: newline)...])
    }

    /// Bytes the engine's output must begin with (`FIMPrompt.healedText`; pass to `generate`).
    public var requiredStart: [UInt8] { Array(prompt.healedText.utf8) }

    /// The middle in the engine's output: what follows the healed text (all of it is before the cursor).
    public func middle(inGenerated generated: String) -> Substring {
        let healed = prompt.healedText
        if generated.hasPrefix(healed) { return generated.dropFirst(healed.count) }
        return healed.hasPrefix(generated) ? "" : generated[...]
    }

    /// The edit for the engine's output; nil when nothing is worth showing. `truncated`: generation
    /// hit the token limit (or a time limit mid-line) rather than ending by itself or by
    /// `shouldStop`, so its last line may be cut off. `endedByModel`: the model's end token ended it.
    public func edit(for generated: String, truncated: Bool = false, endedByModel: Bool = true) -> CompletionEdit? {
        var context = trimContext
        context.endedByModel = endedByModel
        context.truncated = truncated
        return Trimmer.trim(String(middle(inGenerated: generated)), context: context)
    }

    /// Whether generation can stop now (call between tokens with everything decoded so far).
    public func shouldStop(generatedSoFar generated: String) -> Bool {
        streamingStop.shouldStop(generatedSoFar: String(middle(inGenerated: generated)))
    }
}
