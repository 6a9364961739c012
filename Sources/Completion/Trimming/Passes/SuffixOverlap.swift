extension Trim {
    /// Removes the middle's tail when it repeats the start of the suffix (compared without
    /// whitespace): whole lines the document already has below the cursor, and characters already
    /// right of the cursor such as an auto-inserted `)` or `"`. The earliest such tail is removed,
    /// so a middle that ran on past the suffix's first lines is cut where it reached them.
    ///
    /// Brackets decide by balance: a tail holding brackets goes only if removing it leaves the
    /// document better balanced (the `)` duplicates the one right of the cursor) and stays if it
    /// closes something the middle opened. Other text goes when it matches, on a word boundary.
    public static func removeSuffixOverlap(_ middle: String, _ context: TrimContext) -> String {
        guard !middle.isEmpty else { return middle }
        // Tails starting a line are compared with the suffix; tails inside a line only with the rest
        // of the cursor's line (an auto-paired `)`), never with code on later lines.
        let wholeSuffix = Array(Text.squeezed(context.suffix.prefix(4 * middle.count + 64)))
        let restOfLine = context.insertsLinesAbove ? [] : Array(Text.squeezed(context.lineAfterCursor))

        // Non-whitespace characters of the middle, and where each character's tail starts in them.
        let indices = Array(middle.indices)
        let characters = indices.map { middle[$0] }
        let squeezed = characters.filter { !Text.isWhitespace($0) }
        var squeezedStart: [Int] = []
        squeezedStart.reserveCapacity(characters.count)
        var seen = 0
        for c in characters {
            squeezedStart.append(seen)
            if !Text.isWhitespace(c) { seen += 1 }
        }

        var prefixState = BracketBalance()
        prefixState.feed(context.prefix)
        var originalScore: Int? = nil

        // A whole middle line equal to the suffix's first line of code: the model reached code the
        // document already has and whatever follows is a guess past the hole.
        let lineCut = suffixLineCut(middle, context)

        var atLineStart = true
        for position in 0..<characters.count {
            let c = characters[position]
            defer { atLineStart = c == "\n" || (atLineStart && Text.isWhitespace(c)) }
            if let lineCut, indices[position] >= lineCut { break }
            guard !Text.isWhitespace(c) else { continue }
            if !atLineStart, position > 0, Text.isIdentifier(characters[position - 1]), Text.isIdentifier(c) { continue }
            let target = atLineStart ? wholeSuffix : restOfLine
            let tail = squeezed[squeezedStart[position]...]
            guard !tail.isEmpty, tail.count <= target.count, tail.first == target.first,
                  tail.elementsEqual(target.prefix(tail.count))
            else { continue }
            let cut = indices[position]
            let hasBrackets = tail.contains { Text.openers.contains($0) || Text.closers.contains($0) || Text.quotes.contains($0) }
            let hasOtherText = tail.contains { !Text.openers.contains($0) && !Text.closers.contains($0) && !Text.quotes.contains($0) }
            if hasBrackets {
                let before = originalScore ?? BracketBalance.score(after: prefixState, middle: middle, suffix: context.suffix)
                originalScore = before
                let after = BracketBalance.score(after: prefixState, middle: middle[..<cut], suffix: context.suffix)
                guard after < before || (after == before && hasOtherText) else { continue }
            }
            return String(middle[..<cut])
        }
        return lineCut.map { String(middle[..<$0]) } ?? middle
    }

    /// Start of the first middle line equal (without whitespace) to one of the suffix's first lines of
    /// code (`suffixCodeLinesNotToRepeat`; only the first with `firstOnly`); the middle's first line
    /// counts only when it is a whole line (nothing but whitespace before the cursor). A block header
    /// left dangling by the cut (its body was the repeated code, and the suffix's first line is no
    /// body for it) goes too.
    static func suffixLineCut(_ middle: String, _ context: TrimContext, firstOnly: Bool = false) -> String.Index? {
        let targets = context.suffixCodeLinesNotToRepeat.prefix(firstOnly ? 1 : 3)
        guard !targets.isEmpty else { return nil }
        let tabSize = context.indentStyle?.tabSize ?? 4
        let lines = Text.lines(middle)
        let firstWhole = Text.isBlank(context.lineBeforeCursor) ? 0 : 1
        if endsWithHeaderOverCodeBelow(lines, context, tabSize: tabSize) { return nil }
        for (number, line) in lines.enumerated().dropFirst(firstWhole)
        where !Text.isBlank(line) && targets.contains(Text.squeezed(line))
            && !(Text.squeezed(line) == targets.first && isBodyOfOwnHeader(line, lines[..<number], context, tabSize: tabSize))
            && !isFollowedByOuterBranch(line, lines[(number + 1)...], tabSize: tabSize) {
            guard Text.squeezed(line) != targets.first,
                  let header = lines[..<number].last(where: { !Text.isBlank($0) }),
                  header.startIndex > middle.startIndex || firstWhole == 0,
                  Trim.opensBlock(header),
                  let suffixLine = Text.firstNonBlankLine(context.suffix),
                  Text.indentWidth(suffixLine, tabSize: tabSize) <= Text.indentWidth(header, tabSize: tabSize)
            else { return line.startIndex }
            return header.startIndex
        }
        return nil
    }

    /// Whether the middle's last line of code opens the block whose body is the code below (which sits
    /// deeper): the middle bridged the hole by its structure, so a line in it that reads like the
    /// code below is a statement of its own (`return False` under the `if` before the hole, then a
    /// loop whose `if` has the suffix's `return False` as its body).
    private static func endsWithHeaderOverCodeBelow(_ lines: [Substring], _ context: TrimContext, tabSize: Int) -> Bool {
        guard let last = lines.last(where: { !Text.isBlank($0) }), Trim.opensBlock(last),
              lines.count > 1 || Text.isBlank(context.lineBeforeCursor),
              let below = context.nextCodeLine(tabSize: tabSize) else { return false }
        return below.width > Text.indentWidth(last, tabSize: tabSize)
    }

    /// Whether `line` is the body of a header the middle wrote just before it, deeper than the code
    /// below the cursor: then it is another statement that happens to read the same (`n += 1` in the
    /// middle's loop, and after the loop in the suffix).
    private static func isBodyOfOwnHeader(_ line: Substring, _ before: ArraySlice<Substring>, _ context: TrimContext,
                                          tabSize: Int) -> Bool {
        guard let header = before.last(where: { !Text.isBlank($0) }), Trim.opensBlock(header),
              let below = context.nextCodeLine(tabSize: tabSize) else { return false }
        let width = Text.indentWidth(line, tabSize: tabSize)
        return width > Text.indentWidth(header, tabSize: tabSize) && width > below.width
    }

    /// Whether the middle's next line of code after `line` is another branch (`elif`, `else`,
    /// `except`) one level out: then `line` ends a branch of the middle's own (`append(c)` under
    /// `if c == '('`, then `elif c == ')'`) and only reads like the code below.
    private static func isFollowedByOuterBranch(_ line: Substring, _ after: ArraySlice<Substring>, tabSize: Int) -> Bool {
        guard let next = after.first(where: { !Text.isBlank($0) }) else { return false }
        return Text.indentWidth(next, tabSize: tabSize) < Text.indentWidth(line, tabSize: tabSize)
            && startsWithKeyword(next, continuationKeywords)
    }

    /// How many characters right of the cursor the completion should replace: auto-inserted closers
    /// and quotes (the run of them at the cursor) that the middle already closes itself, as when the
    /// model writes `x) + 1` before an auto-paired `)`. The result keeps the range on one line.
    public static func autoCloserReplacement(_ middle: String, _ context: TrimContext) -> Int {
        let run = context.lineAfterCursor.prefix(while: { Text.closers.contains($0) || Text.quotes.contains($0) })
        guard !run.isEmpty, !middle.isEmpty else { return 0 }
        var prefixState = BracketBalance()
        prefixState.feed(context.prefix)
        var best = (count: 0, score: BracketBalance.score(after: prefixState, middle: middle, suffix: context.suffix))
        for count in 1...run.count {
            let score = BracketBalance.score(after: prefixState, middle: middle, suffix: context.suffix.dropFirst(count))
            if score < best.score { best = (count, score) }
        }
        return best.count
    }
}
