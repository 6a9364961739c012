// Finds the function at or around a cursor line by indentation and braces: a heuristic that needs no
// parser and is right for ordinary code in the supported languages.

/// A function declaration located in a document (0-based line numbers).
public struct FunctionSite: Sendable, Equatable {
    public var name: String
    /// The line with the declaration keyword (`def`, `func`, `fn`, the return type...).
    public var declarationLine: Int
    /// The first line of the declaration including attributes and decorators above it: where a
    /// documentation comment goes.
    public var firstLine: Int
    /// The line where the signature ends (Python's `:` line, the line with the body's `{`).
    public var signatureEndLine: Int
    /// The last line of the body.
    public var endLine: Int
    /// Leading whitespace of the declaration line.
    public var indentation: String
    /// True when documentation is already there.
    public var isDocumented: Bool
}

public enum FunctionFinder {
    /// The innermost function whose declaration or body contains `line`; failing that, a function
    /// declared within the next three lines (the cursor sits just above it).
    public static func function(in text: String, line: Int, language: DocLanguage) -> FunctionSite? {
        let lines = Text.lines(LineEnding.normalized(text)).map(String.init)
        guard !lines.isEmpty else { return nil }
        let cursor = min(max(0, line), lines.count - 1)
        var candidate = cursor
        while candidate >= 0 {
            if let name = declarationName(lines[candidate], language), let site = site(lines, candidate, name, language),
               site.firstLine <= cursor, cursor <= site.endLine {
                return site
            }
            candidate -= 1
        }
        for below in (cursor + 1)..<min(lines.count, cursor + 4) {
            if let name = declarationName(lines[below], language), let site = site(lines, below, name, language) {
                let between = lines[(cursor + 1)..<site.firstLine]
                if between.allSatisfy({ Text.isBlank($0) }) || site.firstLine <= cursor + 1 { return site }
            }
        }
        return nil
    }

    /// The declared name if `line` starts a function in `language`.
    static func declarationName(_ line: String, _ language: DocLanguage) -> String? {
        let trimmed = line.trimmingWhitespace()
        let commentStarts = ["//", "/*", "*", "#"] + (language == .lua ? ["--"] : [])
        if commentStarts.contains(where: { trimmed.hasPrefix($0) }) { return nil }
        let patterns: [String]
        switch language {
        case .python:
            patterns = [#"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\("#]
        case .swift:
            patterns = [#"\bfunc\s+([^\s(<]+)\s*[(<]"#, #"^(?:[\w@]+\s+)*(init|deinit|subscript)\b[?!]?\s*[({<]?"#]
        case .rust:
            patterns = [#"\bfn\s+([A-Za-z_]\w*)\s*[(<]"#]
        case .go:
            patterns = [#"^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*[(\[]"#]
        case .lua:
            patterns = [#"^(?:local\s+)?function\s+([\w.:]+)\s*\("#, #"^(?:local\s+)?([\w.:]+)\s*=\s*function\s*\("#]
        case .javascript, .typescript:
            patterns = [
                #"^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]"#,
                #"^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)"#,
                #"^(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::\s*[^{;]+)?\{?\s*$"#,
            ]
        case .java, .c, .cpp:
            patterns = [#"^(?:[\w:<>,\[\]*&~]+\s+)*?[\w:<>,\[\]*&]*[\s*&]+([A-Za-z_~][\w:~]*)\s*\([^;]*$"#,
                        #"^([A-Za-z_~][\w:~]*)\s*\([^;]*$"#]
        }
        let keywords: Set<String> = ["if", "for", "while", "switch", "catch", "return", "else", "new", "sizeof", "do", "elif", "with", "match", "until", "delete", "throw", "case"]
        for pattern in patterns {
            guard let regex = try? Regex(pattern), let match = trimmed.firstMatch(of: regex),
                  match.output.count > 1, let name = match.output[1].substring.map(String.init)
            else { continue }
            if keywords.contains(name) { continue }
            if language.usesBraces, language != .go, language != .swift, language != .rust,
               let first = trimmed.split(separator: " ").first, keywords.contains(String(first)) {
                continue
            }
            return name
        }
        return nil
    }

    private static func site(_ lines: [String], _ declaration: Int, _ name: String, _ language: DocLanguage) -> FunctionSite? {
        let indentation = String(lines[declaration].prefix(while: { $0 == " " || $0 == "\t" }))
        var first = declaration
        while first > 0 {
            let above = lines[first - 1].trimmingWhitespace()
            let returnTypeAbove = (language == .c || language == .cpp) && first == declaration && !above.isEmpty
                && above.allSatisfy { Text.isIdentifier($0) || " *&:<>,".contains($0) }
            guard above.hasPrefix("@") || above.hasPrefix("#[") || (language == .cpp && above.hasPrefix("template"))
                || returnTypeAbove
            else { break }
            first -= 1
        }
        let signatureEnd: Int
        let end: Int
        switch language {
        case .python:
            guard let colon = pythonSignatureEnd(lines, from: declaration) else { return nil }
            signatureEnd = colon
            end = blockEnd(lines, after: colon, deeperThan: Text.indentWidth(indentation))
        case .lua:
            signatureEnd = declaration
            end = (declaration + 1..<lines.count).first { number in
                Text.indentWidth(lines[number]) == Text.indentWidth(indentation) && lines[number].trimmingWhitespace().hasPrefix("end")
            } ?? lines.count - 1
        default:
            guard let (open, close) = braceBody(lines, from: declaration) else { return nil }
            signatureEnd = open
            end = close
        }
        return FunctionSite(
            name: name, declarationLine: declaration, firstLine: first, signatureEndLine: signatureEnd,
            endLine: end, indentation: indentation,
            isDocumented: isDocumented(lines, first: first, signatureEnd: signatureEnd, language)
        )
    }

    /// The line ending the Python signature: the first `:` at bracket depth zero at a line's end.
    private static func pythonSignatureEnd(_ lines: [String], from start: Int) -> Int? {
        var depth = 0
        for number in start..<min(lines.count, start + 40) {
            let code = lines[number].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for c in code {
                if Text.openers.contains(c) { depth += 1 } else if Text.closers.contains(c) { depth -= 1 }
            }
            if depth <= 0, code.trimmingTrailingWhitespace().hasSuffix(":") { return number }
        }
        return nil
    }

    /// Last line of an indented block that starts after `line`.
    private static func blockEnd(_ lines: [String], after line: Int, deeperThan width: Int) -> Int {
        var end = line
        for number in (line + 1)..<lines.count {
            if Text.isBlank(lines[number]) { continue }
            if Text.indentWidth(lines[number]) <= width { break }
            end = number
        }
        return end
    }

    /// Lines of the body's `{` and its matching `}` (strings and comments skipped roughly).
    private static func braceBody(_ lines: [String], from start: Int) -> (Int, Int)? {
        var depth = 0
        var open: Int? = nil
        for number in start..<lines.count {
            var inString: Character? = nil
            var previous: Character = " "
            for c in lines[number] {
                defer { previous = c }
                if let quote = inString {
                    if c == quote, previous != "\\" { inString = nil }
                    continue
                }
                if c == "/" && previous == "/" { break }
                if c == "\"" || c == "'" || c == "`" { inString = c; continue }
                if c == ";" && open == nil && depth == 0 { return nil }  // a prototype, not a definition
                if c == "{" {
                    if open == nil { open = number }
                    depth += 1
                } else if c == "}" {
                    depth -= 1
                    if open != nil, depth == 0 { return (open!, number) }
                }
            }
            if open == nil, number > start + 20 { return nil }
        }
        return open.map { ($0, lines.count - 1) }
    }

    private static func isDocumented(_ lines: [String], first: Int, signatureEnd: Int, _ language: DocLanguage) -> Bool {
        switch language.style {
        case .innerTripleQuote:
            guard let next = lines[(signatureEnd + 1)...].first(where: { !Text.isBlank($0) }) else { return false }
            let body = next.trimmingWhitespace()
            return body.hasPrefix("\"\"\"") || body.hasPrefix("'''") || body.hasPrefix("r\"\"\"")
        case .linesAbove(let marker):
            return first > 0 && lines[first - 1].trimmingWhitespace().hasPrefix(marker)
        case .blockAbove:
            return first > 0 && lines[first - 1].trimmingWhitespace().hasSuffix("*/")
        }
    }
}
