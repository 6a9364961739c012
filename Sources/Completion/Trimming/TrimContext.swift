// What the trimming passes know about the place the completion goes.

/// When a completion may span several lines.
public enum LinePolicy: String, Sendable, Codable {
    /// Multi-line unless real code sits right of the cursor.
    case auto
    /// Always one line (a leading line break to start the next line is allowed).
    case singleLine
    /// Multi-line even with code right of the cursor (the middle still cannot break that line).
    case multiLine
}

/// The document around the cursor and the user's settings, for the trimming passes.
public struct TrimContext: Sendable, Equatable {
    /// The document before and after the cursor ("\n" line endings; `init` converts CRLF and CR).
    public var prefix: String
    public var suffix: String
    public var lineEnding: LineEnding
    /// nil leaves the completion's indentation as generated.
    public var indentStyle: IndentStyle?
    public var policy: LinePolicy
    /// Texts that end the middle (stop tokens' names, a docstring closer).
    public var stopStrings: [String]
    /// True when generation hit the token limit instead of ending by itself: the last line may be
    /// cut off mid-way.
    public var truncated: Bool
    /// True when the model ended the middle with its end token; false when the token or time limit,
    /// or a streaming stop, ended it. Inside a block only a middle the model ended may span lines
    /// without reaching the code below (see `Trim.unprovenLines`).
    public var endedByModel: Bool
    /// The request follows the model: the user asked for it (trigger kind invoked) or it is a menu
    /// item. A middle the model ended itself is then its proposal for the file (middle + suffix) and
    /// is kept whole unless a pass proves it wrong (see `keepsModelShape`). Ghost text asked for while
    /// typing keeps the stricter shape rules: one line with code right of the cursor, whole lines
    /// above the code at a line's start.
    public var followsModel: Bool

    public init(
        prefix: String, suffix: String, lineEnding: LineEnding = .lf, indentStyle: IndentStyle? = nil,
        policy: LinePolicy = .auto, stopStrings: [String] = [], truncated: Bool = false, endedByModel: Bool = true,
        followsModel: Bool = false
    ) {
        // The passes work on "\n"; the document's own ending comes back in the last pass.
        self.prefix = LineEnding.normalized(prefix)
        self.suffix = LineEnding.normalized(suffix)
        self.lineEnding = lineEnding
        self.indentStyle = indentStyle
        self.policy = policy
        self.stopStrings = stopStrings
        self.truncated = truncated
        self.endedByModel = endedByModel
        self.followsModel = followsModel
    }

    /// True when the middle's shape is the model's to decide: the request follows the model, the model
    /// ended the middle with its end token within the budget, and the user did not ask for single
    /// lines. Passes that only guess at a shape (one line when code is right of the cursor, whole
    /// lines above code, the cursor line's block) then leave it; passes that prove a middle wrong
    /// (stop strings, loops, repeats of the suffix, unbalanced closers, unreachable code) still run.
    public var keepsModelShape: Bool {
        followsModel && endedByModel && !truncated && policy != .singleLine
    }

    /// Text of the cursor's line left of the cursor.
    public var lineBeforeCursor: Substring {
        guard let newline = prefix.lastIndex(of: "\n") else { return prefix[...] }
        return prefix[prefix.index(after: newline)...]
    }

    /// Text of the cursor's line right of the cursor.
    public var lineAfterCursor: Substring {
        guard let newline = suffix.firstIndex(of: "\n") else { return suffix[...] }
        return suffix[..<newline]
    }

    /// True when the rest of the line holds real code: anything but whitespace, closing brackets,
    /// quotes and a semicolon (which editors auto-insert or which the middle may legitimately precede).
    public var hasCodeRightOfCursor: Bool {
        lineAfterCursor.contains { !Text.isWhitespace($0) && !Text.autoClosers.contains($0) }
    }

    /// True when the cursor is at the start of a line's code (only whitespace left of it) with code
    /// right of it: the completion inserts whole lines above that code, so it may break the line
    /// once, after what it inserts.
    public var insertsLinesAbove: Bool {
        Text.isBlank(lineBeforeCursor) && hasCodeRightOfCursor
    }

    /// Whether the middle must stay on one line.
    public var isSingleLine: Bool {
        switch policy {
        case .singleLine: return true
        case .auto, .multiLine: return hasCodeRightOfCursor && !insertsLinesAbove
        }
    }

    /// The suffix's first lines of code without whitespace, which a middle line must not repeat: the
    /// first when it holds a letter or digit, the next two when they are long enough not to be a
    /// common line such as `return None` or `break` that code may legitimately hold twice.
    public var suffixCodeLinesNotToRepeat: [String] {
        var found: [String] = []
        var start = suffix.startIndex
        var seen = 0
        while start < suffix.endIndex, seen < 3 {
            let end = suffix[start...].firstIndex(of: "\n") ?? suffix.endIndex
            let line = suffix[start..<end]
            if !Text.isBlank(line) {
                let squeezed = Text.squeezed(line)
                let minimumLength = seen == 0 ? 1 : 16
                if squeezed.count >= minimumLength, squeezed.contains(where: { $0.isLetter || $0.isNumber }) {
                    found.append(squeezed)
                }
                seen += 1
            }
            start = end < suffix.endIndex ? suffix.index(after: end) : end
        }
        return found
    }
}

/// Small character classes shared by the passes.
enum Text {
    static let closers: Set<Character> = [")", "]", "}"]
    static let openers: Set<Character> = ["(", "[", "{"]
    static let quotes: Set<Character> = ["\"", "'", "`"]
    /// What may sit right of the cursor without making it "code": closers, quotes, a semicolon.
    static let autoClosers: Set<Character> = closers.union(quotes).union([";"])

    static func isWhitespace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }
    static func isIdentifier(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }

    /// Lines of `text` split at "\n" (a trailing "\n" gives a final empty line).
    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Leading whitespace width in columns (a tab counts `tabSize`).
    static func indentWidth<S: StringProtocol>(_ line: S, tabSize: Int = 4) -> Int {
        var width = 0
        for c in line {
            if c == " " { width += 1 } else if c == "\t" { width += tabSize } else { break }
        }
        return width
    }

    static func isBlank<S: StringProtocol>(_ line: S) -> Bool { line.allSatisfy(isWhitespace) }

    /// A line that holds only a comment (or a continuation line of a block comment).
    static func isComment<S: StringProtocol>(_ line: S) -> Bool {
        let code = line.drop(while: isWhitespace)
        return ["#", "//", "/*", "--", "*"].contains { code.hasPrefix($0) }
    }

    /// The first line of `text` with a non-whitespace character, found without splitting the rest
    /// (suffixes can be whole files and this runs between tokens).
    static func firstNonBlankLine(_ text: String) -> Substring? { firstNonBlankLines(text, count: 1).first }

    /// The first `count` lines of `text` with a non-whitespace character, in order, found the same way.
    static func firstNonBlankLines(_ text: String, count: Int) -> [Substring] {
        var found: [Substring] = []
        var start = text.startIndex
        while start < text.endIndex, found.count < count {
            let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
            if !isBlank(text[start..<end]) { found.append(text[start..<end]) }
            start = end < text.endIndex ? text.index(after: end) : end
        }
        return found
    }

    /// `text` without any whitespace, for whitespace-insensitive comparison.
    static func squeezed<S: StringProtocol>(_ text: S) -> String { String(text.filter { !isWhitespace($0) }) }
}
