// Builds a FIM prompt as token ids. Control tokens are inserted by id and only user text goes
// through `encode`, so text such as "<|fim_prefix|>" inside a document stays plain text.

/// A prompt ready for the engine.
public struct FIMPrompt: Sendable, Equatable {
    /// The whole prompt, control tokens included.
    public var tokens: [Int32]
    /// Ids that end generation.
    public var stopTokens: Set<Int32>
    /// Texts that end the middle when they appear in decoded output (the stop tokens' names).
    public var stopStrings: [String]
    /// Text the prompt ends short of: the generated text must begin with it, and it is not part of the
    /// middle (token healing, see `PromptBuilder.healed`). Empty when the prompt ends at the cursor.
    public var healedText: String = ""
    /// The part of the document prefix and suffix that made it into the prompt.
    public var keptPrefix: String
    public var keptSuffix: String
    /// Whole lines of the prefix left out for the budget.
    public var droppedPrefixLines: Int
    /// Tokens spent on other files and recent edits.
    public var contextTokenCount: Int
    /// Where this prompt cut the document (pass back as `FIMRequest.lastWindow`).
    public var window = PromptWindow(linesBeforePrefix: 0, linesAfterSuffix: 0)
}

/// Lays out prompts for one model. Cheap to copy; build one per loaded model.
public struct PromptBuilder: Sendable {
    public var tokens: FIMTokens
    public var budget: PromptBudget
    public var order: FIMOrder

    public init(tokens: FIMTokens, budget: PromptBudget = PromptBudget(), order: FIMOrder? = nil) {
        self.tokens = tokens
        self.budget = budget
        self.order = order ?? tokens.format.defaultOrder
    }

    public func build(_ request: FIMRequest, vocabulary: any TokenVocabulary) -> FIMPrompt {
        let count: (Substring) -> Int = { vocabulary.encode(String($0)).count }
        // Only text near the cursor can fit the budget; cut to it by bytes before anything is tokenized.
        let window = DocumentWindow(prefix: request.prefix, suffix: request.suffix,
                                    maxBytes: Self.bytesHolding(budget.fileTokens, vocabulary))

        // Suffix first: it is short more often than not, and what it leaves goes to the prefix.
        let suffixBudget = tokens.isLeftToRight
            ? 0 : budget.fileTokens - Int((Double(budget.fileTokens) * budget.prefixShare).rounded())
        let suffix = tokens.isLeftToRight ? "" : LineCut.head(
            of: window.suffix, cutInFirstLine: window.suffixEndsInFirstLine, budget: suffixBudget, vocabulary: vocabulary)
        let fittedSuffix = tokens.isLeftToRight
            ? suffix.prefix(0) : LineSlicing.keepHead(of: suffix, budget: suffixBudget, count: count)
        let fittedSuffixIDs = vocabulary.encode(String(fittedSuffix))
        let lastLinesAfter = request.lastWindow.map { $0.linesAfterSuffix - window.linesAfter(keptBytes: suffix.utf8.count) }
        let (keptSuffix, suffixIDs) = stickySuffix(suffix, linesAfter: lastLinesAfter, fitted: (fittedSuffix, fittedSuffixIDs),
                                                   budget: suffixBudget, vocabulary: vocabulary)
        // The cursor line's text left of the cursor: at the end of the prefix, or after the middle
        // token (see `FIMFormat.cursorLineInMiddle`). Past what the budget leaves it, only its end.
        let cursorLine = LineCut.tail(of: window.cursorLine, bytesBefore: window.cursorLineBytesBefore,
                                      budget: max(0, budget.fileTokens - fittedSuffixIDs.count), step: Self.lineCutStep,
                                      vocabulary: vocabulary)
        let lineInMiddle = order == .psm && tokens.format.cursorLineInMiddle && tokens.middle != nil
        let (middleStartIDs, healedText) = lineInMiddle ? Self.healed(cursorLine, vocabulary: vocabulary) : ([], "")
        // The cursor line is charged in steps of 64 tokens, rounded down, so typing on a line (or
        // accepting a completion on it) leaves the prefix's first line, and with it the KV cache,
        // where it is. The prompt may pass the file budget by less than a step.
        let lineStep = 64
        let cursorLineCost = count(cursorLine[...]) / lineStep * lineStep
        // Charged for the fitted suffix even when a shorter one is kept, so the prefix's cut does not
        // depend on where the last prompt ended the suffix.
        let prefixBudget = max(0, budget.fileTokens - fittedSuffixIDs.count - cursorLineCost)
        let body = window.body
        let fittedBody = LineSlicing.keepTail(of: body, budget: prefixBudget, granularity: budget.prefixLineGranularity,
                                              linesBefore: window.linesBeforeBody, count: count)
        let lastLinesBefore = request.lastWindow.map { $0.linesBeforePrefix - window.linesBeforeBody }
        let (keptBody, droppedInWindow) = stickyPrefix(body: body, linesBefore: lastLinesBefore, fitted: fittedBody,
                                                       budget: prefixBudget, vocabulary: vocabulary)
        let dropped = window.linesBeforeBody + droppedInWindow
        let keptPrefix = String(keptBody) + cursorLine

        let (contextIDs, contextText) = contextPart(request, vocabulary: vocabulary)
        let prefixText = contextText + String(keptBody) + (lineInMiddle ? "" : cursorLine)
        let prefixIDs = vocabulary.encode(tokens.format.prefixLeadingSpace ? " " + prefixText : prefixText)

        var ids: [Int32] = []
        if let bos = tokens.bos { ids.append(bos) }
        ids += contextIDs
        if let pre = tokens.prefix, let suf = tokens.suffix, let mid = tokens.middle {
            switch (order, tokens.format.spmLayout) {
            case (.psm, _):
                ids += [pre] + prefixIDs + [suf] + suffixIDs + [mid] + middleStartIDs
            case (.spm, .codeLlama):
                ids += [pre, suf] + suffixIDs + [mid] + prefixIDs
            case (.spm, .suffixPrefixMiddle):
                ids += [suf] + suffixIDs + [pre] + prefixIDs + [mid]
            }
        } else {
            ids += prefixIDs
        }
        return FIMPrompt(
            tokens: ids, stopTokens: tokens.stopTokens, stopStrings: tokens.stopStrings,
            healedText: healedText, keptPrefix: keptPrefix, keptSuffix: String(keptSuffix),
            droppedPrefixLines: dropped, contextTokenCount: contextIDs.count + vocabulary.encode(contextText).count,
            window: PromptWindow(linesBeforePrefix: dropped, linesAfterSuffix: window.linesAfter(keptBytes: keptSuffix.utf8.count))
        )
    }

    /// Bytes that always hold more than `tokens` tokens of `vocabulary` (nil: no bound is known).
    static func bytesHolding(_ tokens: Int, _ vocabulary: any TokenVocabulary) -> Int? {
        guard let perToken = vocabulary.maxBytesPerToken else { return nil }
        let (bytes, overflow) = max(0, tokens).multipliedReportingOverflow(by: max(1, perToken))
        return overflow ? nil : bytes
    }

    /// A cursor line cut inside is cut at a multiple of this many bytes from its start (`LineCut.tail`).
    static let lineCutStep = 256

    /// The suffix cut where the last prompt cut it (`FIMRequest.lastWindow`) when that is shorter
    /// than the fitted cut. After the cursor moves down, a fresh cut would add all the lines below the
    /// old end at once, and the engine must run them before answering: about one line of prefill per
    /// line moved, seconds on the 1.5B. Kept at the old end, the suffix is all in the KV cache and
    /// moves into place. A suffix under `minimumStickyShare` of its budget grows by whole lines to that
    /// share. The server grows it back in idle time (a prompt built without the hint).
    private func stickySuffix(
        _ suffix: String, linesAfter: Int?, fitted: (text: Substring, ids: [Int32]), budget: Int,
        vocabulary: any TokenVocabulary
    ) -> (Substring, [Int32]) {
        guard let linesAfter, !tokens.isLeftToRight,
              var sticky = LineSlicing.head(of: suffix, leavingOut: linesAfter),
              sticky.endIndex < fitted.text.endIndex else { return fitted }
        let minimum = Int(Double(budget) * Self.minimumStickyShare)
        let ids = vocabulary.encode(String(sticky))
        var size = ids.count
        for line in LineSlicing.lines(String(fitted.text[sticky.endIndex...])) where size < minimum {
            size += vocabulary.encode(String(line)).count
            sticky = fitted.text[..<fitted.text.index(sticky.endIndex, offsetBy: line.count)]
        }
        if sticky.endIndex == fitted.text.endIndex { return fitted }
        return (sticky, size == ids.count ? ids : vocabulary.encode(String(sticky)))
    }

    /// The prefix started where the last prompt started it (`FIMRequest.lastWindow`) when a fresh cut
    /// would start it higher: after the cursor moves up, a fresh cut adds lines at the prompt's start,
    /// which the engine must run before answering (the rest moves into place in the KV cache), while
    /// the old start is all cached. A prefix under `minimumStickyShare` of its budget grows upward by
    /// whole lines to that share; idle time grows it back in full.
    private func stickyPrefix(
        body: String, linesBefore: Int?, fitted: (text: Substring, droppedLines: Int), budget: Int,
        vocabulary: any TokenVocabulary
    ) -> (Substring, Int) {
        let lines = LineSlicing.lines(body)
        guard var first = linesBefore, first > fitted.droppedLines, first < lines.count
        else { return fitted }
        let count: (Substring) -> Int = { vocabulary.encode(String($0)).count }
        let minimum = Int(Double(budget) * Self.minimumStickyShare)
        var size = count(body[lines[first].startIndex...])
        while size < minimum, first > fitted.droppedLines {
            first -= 1
            size += count(lines[first])
        }
        return (body[lines[first].startIndex...], first)
    }

    /// The least share of its budget a prefix or suffix kept at its last cut holds.
    public static let minimumStickyShare = 0.25

    /// The tokens of `text` without the last one, and the text that token stood for. The cursor often
    /// sits inside a word (`circle_ar|`), and the tokens of a partial word are a split the model never
    /// saw; held back, the model writes that text again as it would have tokenized it
    /// (`circle_area`). Tokens that end inside a character are held back with it.
    static func healed(_ text: String, vocabulary: any TokenVocabulary) -> (kept: [Int32], healed: String) {
        guard !text.isEmpty else { return ([], "") }
        var kept = vocabulary.encode(text)
        kept.removeLast()
        while !kept.isEmpty, !text.utf8.starts(with: vocabulary.decode(kept).utf8) { kept.removeLast() }
        let keptText = vocabulary.decode(kept)
        return (kept, String(decoding: text.utf8.dropFirst(keptText.utf8.count), as: UTF8.self))
    }

    /// Other files in the family's multi-file layout: token ids that go before the FIM prefix token,
    /// or (for families without file tokens) commented text that starts the prefix.
    private func contextPart(_ request: FIMRequest, vocabulary: any TokenVocabulary) -> ([Int32], String) {
        let files = request.context.filter { $0.kind == .openDocument }
            + request.context.filter { $0.kind == .recentEdit }
        var remaining = budget.extraContextTokens
        let count: (Substring) -> Int = { vocabulary.encode(String($0)).count }

        func fitted(_ file: ContextFile, header: String) -> String? {
            let headerCost = vocabulary.encode(header).count + 1
            guard remaining > headerCost else { return nil }
            let near = DocumentWindow.wholeLines(of: file.text, maxBytes: Self.bytesHolding(remaining - headerCost, vocabulary))
            var body = String(LineSlicing.keepWholeLines(of: near, budget: remaining - headerCost, count: count))
            guard !body.isEmpty else { return nil }
            if !body.hasSuffix("\n") { body += "\n" }
            remaining -= headerCost + count(body[...])
            return header + body
        }

        switch tokens.format.multiFile {
        case .separatorBeforeEachFile:
            guard let sep = tokens.fileSeparator else { return ([], "") }
            var repoIDs: [Int32] = []
            if let repo = tokens.repoName {
                repoIDs = [repo] + vocabulary.encode((request.repositoryName ?? "workspace") + tokens.format.repoNameTerminator)
                remaining -= repoIDs.count
            }
            var ids: [Int32] = []
            for file in files {
                if let text = fitted(file, header: file.path + "\n") { ids += [sep] + vocabulary.encode(text) }
            }
            // Single-file prompts stay plain FIM; the headers only come with other files.
            guard !ids.isEmpty else { return ([], "") }
            ids = repoIDs + ids
            if let path = request.path { ids += [sep] + vocabulary.encode(path + "\n") }
            return (ids, "")
        case .separatorAfterEachFile:
            guard let sep = tokens.fileSeparator else { return ([], "") }
            var ids: [Int32] = []
            for file in files {
                if let text = fitted(file, header: file.path + "\n") { ids += vocabulary.encode(text) + [sep] }
            }
            if let path = request.path, !ids.isEmpty { ids += vocabulary.encode(path + "\n") }
            return (ids, "")
        case .commentedInPrefix:
            guard let comment = request.lineComment, !files.isEmpty else { return ([], "") }
            var text = ""
            for file in files {
                if let part = fitted(file, header: "\(comment) \(file.path)\n") { text += part + "\n" }
            }
            if !text.isEmpty, let path = request.path { text += "\(comment) \(path)\n" }
            return ([], text)
        }
    }
}
