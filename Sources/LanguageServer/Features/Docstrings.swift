import LSPProtocol

/// "Generate docstring": where the function at or around the cursor is, how its language writes
/// docstrings, the FIM prompt (opener in the prefix, closer in the suffix) and the final edit.
/// Heuristic line scanning, not parsing: it must work on code that does not compile yet.
public enum DocstringStyle: Sendable, Equatable {
    /// Python: `"""…"""` as the first statement of the body.
    case pythonTripleQuote
    /// `///` (Swift, Rust), `//` (Go), `---` (Lua) on the lines above.
    case lineComment(String)
    /// `/** … */` above (JavaScript, TypeScript, Java, C, C++, …).
    case blockComment

    public static func forLanguage(_ languageId: String) -> DocstringStyle? {
        switch languageId {
        case "python": return .pythonTripleQuote
        case "swift", "rust": return .lineComment("///")
        case "go": return .lineComment("//")
        case "lua": return .lineComment("---")
        case "javascript", "javascriptreact", "typescript", "typescriptreact", "java", "c", "cpp", "objective-c",
            "objective-cpp", "csharp", "kotlin", "php", "scala", "dart":
            return .blockComment
        default: return nil
        }
    }
}

public struct DocstringSite: Sendable, Equatable {
    public var style: DocstringStyle
    /// The line where the function's declaration starts.
    public var functionLine: Int
    /// The docstring goes at the start of this line.
    public var insertLine: Int
    /// Indentation of the docstring lines.
    public var indent: String
}

public enum Docstrings {
    /// Finds the function at the cursor line, the nearest one above it that encloses it, or one
    /// starting just below (cursor on a blank line or an attribute above it). Nil when there is
    /// none or it already has a docstring.
    public static func locate(lines: [String], cursorLine: Int, languageId: String) -> DocstringSite? {
        guard let style = DocstringStyle.forLanguage(languageId), !lines.isEmpty else { return nil }
        let cursor = min(max(0, cursorLine), lines.count - 1)
        var candidates: [Int] = []
        // Below first when the cursor sits on a blank, comment or attribute line right above.
        for line in cursor...min(lines.count - 1, cursor + 3) {
            if isFunctionStart(lines, line, languageId) { candidates.append(line); break }
            let t = lines[line].strip(" \t")
            if !(t.isEmpty || t.hasPrefix("@") || t.hasPrefix("#[") || line == cursor) { break }
        }
        if candidates.isEmpty {
            for line in stride(from: cursor, through: max(0, cursor - 400), by: -1)
            where isFunctionStart(lines, line, languageId) {
                candidates.append(line)
                break
            }
        }
        guard let functionLine = candidates.first else { return nil }
        let indent = leadingWhitespace(lines[functionLine])
        switch style {
        case .pythonTripleQuote:
            let signatureEnd = pythonSignatureEnd(lines, from: functionLine)
            let body = signatureEnd + 1
            if body < lines.count, lines[body].strip(" \t").hasPrefix("\"\"\"")
                || lines[body].strip(" \t").hasPrefix("r\"\"\"") {
                return nil
            }
            let unit = indent.contains("\t") ? "\t" : "    "
            var bodyIndent = indent + unit
            if let first = lines[min(body, lines.count)...].first(where: { !$0.strip(" \t").isEmpty }),
               leadingWhitespace(first).count > indent.count {
                bodyIndent = leadingWhitespace(first)
            }
            return DocstringSite(style: style, functionLine: functionLine, insertLine: body, indent: bodyIndent)
        case .lineComment, .blockComment:
            // Above attributes/decorators that belong to the declaration.
            var insert = functionLine
            while insert > 0 {
                let t = lines[insert - 1].strip(" \t")
                if t.hasPrefix("@") || t.hasPrefix("#[") { insert -= 1 } else { break }
            }
            if insert > 0 {
                let above = lines[insert - 1].strip(" \t")
                let documented: Bool
                switch style {
                case .lineComment(let marker): documented = above.hasPrefix(marker)
                default: documented = above.hasSuffix("*/")
                }
                if documented { return nil }
            }
            return DocstringSite(style: style, functionLine: functionLine, insertLine: insert, indent: indent)
        }
    }

    /// The FIM split for a site: `prefix` ends with the opener, `suffix` starts with the closer.
    public static func prompt(document: Document, site: DocstringSite) -> (prefix: String, suffix: String, stop: [String]) {
        let eol = document.lineEnding
        let offset = site.insertLine < document.lineCount ? document.lineStarts[site.insertLine] : document.bytes.count
        var before = String(decoding: document.bytes[..<offset], as: UTF8.self)
        if offset == document.bytes.count, !before.isEmpty, !before.hasSuffix("\n"), !before.hasSuffix("\r") {
            before += eol
        }
        let after = String(decoding: document.bytes[offset...], as: UTF8.self)
        switch site.style {
        case .pythonTripleQuote:
            return (before + site.indent + "\"\"\"", "\"\"\"" + eol + after, ["\"\"\""])
        case .lineComment(let marker):
            return (before + site.indent + marker + " ", eol + after, [eol + eol])
        case .blockComment:
            return (before + site.indent + "/**" + eol + site.indent + " * ", eol + site.indent + " */" + eol + after, ["*/"])
        }
    }

    /// The edit inserting the docstring made from the model's `middle` into `document`; nil when
    /// it is empty.
    public static func edit(middle: String, site: DocstringSite, document: Document, encoding: PositionEncodingKind) -> TextEdit? {
        guard let text = text(middle: middle, site: site, lineEnding: document.lineEnding) else { return nil }
        return document.lineInsertion(text, atLine: site.insertLine, encoding: encoding)
    }

    /// The docstring's lines made from the model's `middle`, each ending in a line break.
    static func text(middle: String, site: DocstringSite, lineEnding eol: String) -> String? {
        var text = middle
        let closer: String?
        switch site.style {
        case .pythonTripleQuote: closer = "\"\"\""
        case .blockComment: closer = "*/"
        case .lineComment: closer = nil
        }
        if let closer, let r = text.range(of: closer) { text = String(text[..<r.lowerBound]) }
        let rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: { (c: Character) -> Bool in
            c == "\n" || c == "\r\n" || c == "\r"
        })
        var lines: [String] = rawLines.map { (l: Substring) -> String in String(l).strip(" \t") }
        switch site.style {
        case .lineComment(let marker):
            // The first line follows the opener; later lines count only while they stay comments.
            var kept = [lines.first ?? ""]
            for line in lines.dropFirst() {
                guard line.hasPrefix(marker) else { break }
                kept.append(String(line.dropFirst(marker.count)).strip(" \t"))
            }
            lines = kept
        case .blockComment:
            lines = lines.map { line in
                var l = Substring(line)
                while l.first == "*" { l = l.dropFirst() }
                return String(l).strip(" \t")
            }
        case .pythonTripleQuote:
            break
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        lines = Array(lines.prefix(12))
        guard !lines.isEmpty else { return nil }
        let i = site.indent
        let newText: String
        switch site.style {
        case .pythonTripleQuote:
            let q = "\"\"\""
            if lines.count == 1 {
                newText = i + q + lines[0] + q + eol
            } else {
                let rest: [String] = lines.dropFirst().map { (l: String) -> String in l.isEmpty ? "" : i + l }
                var parts: [String] = [i + q + lines[0]]
                parts.append(contentsOf: rest)
                parts.append(i + q)
                newText = parts.joined(separator: eol) + eol
            }
        case .lineComment(let marker):
            let body: [String] = lines.map { (l: String) -> String in l.isEmpty ? i + marker : i + marker + " " + l }
            newText = body.joined(separator: eol) + eol
        case .blockComment:
            var parts: [String] = [i + "/**"]
            parts.append(contentsOf: lines.map { (l: String) -> String in l.isEmpty ? i + " *" : i + " * " + l })
            parts.append(i + " */")
            newText = parts.joined(separator: eol) + eol
        }
        return newText
    }

    // MARK: - Recognizing function declarations

    static let controlKeywords: Set<String> = [
        "if", "for", "while", "switch", "catch", "return", "else", "do", "try", "new", "throw", "case", "sizeof",
        "elif", "with", "guard", "match", "loop", "defer", "await", "delete", "typeof",
    ]

    static func isFunctionStart(_ lines: [String], _ index: Int, _ languageId: String) -> Bool {
        let line = lines[index]
        let t = line.strip(" \t")
        if t.isEmpty || t.hasPrefix("//") || t.hasPrefix("#") && languageId == "python" || t.hasPrefix("*") { return false }
        let words = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" || $0 == "<" || $0 == "{" }).map(String.init)
        switch languageId {
        case "python":
            return (words.first == "def" || (words.first == "async" && words.dropFirst().first == "def")) && t.contains("(")
        case "swift":
            let declarators = ["func", "init", "init?", "init!", "subscript", "deinit"]
            let modifiers: Set<String> = [
                "public", "private", "fileprivate", "internal", "open", "package", "static", "class", "final", "override",
                "mutating", "nonmutating", "convenience", "required", "nonisolated", "dynamic", "@objc", "@inlinable",
                "@discardableResult", "@MainActor", "@usableFromInline",
            ]
            for w in words {
                if declarators.contains(w) || w.hasPrefix("init") && w.count <= 5 { return true }
                if !(modifiers.contains(w) || w.hasPrefix("@") || w.hasPrefix("private") || w.hasPrefix("public")) { return false }
            }
            return false
        case "rust":
            let modifiers: Set<String> = ["pub", "async", "const", "unsafe", "extern", "default"]
            for w in words {
                if w == "fn" { return true }
                if !(modifiers.contains(w) || w.hasPrefix("pub(") || w.hasPrefix("\"")) { return false }
            }
            return false
        case "go":
            return words.first == "func"
        case "lua":
            if words.first == "function" || (words.first == "local" && words.dropFirst().first == "function") { return true }
            return t.range(of: "= function") != nil
        default:
            return isCStyleFunctionStart(lines, index, t, words, languageId)
        }
    }

    /// `function f(`, `const f = (…) =>`, methods and C-family definitions: a name followed by `(`
    /// whose parameter list is followed by `{` before any `;`.
    static func isCStyleFunctionStart(_ lines: [String], _ index: Int, _ t: String, _ words: [String], _ languageId: String) -> Bool {
        if let first = words.first, controlKeywords.contains(first) { return false }
        if words.contains("function") { return true }
        let isJS = languageId.hasPrefix("javascript") || languageId.hasPrefix("typescript")
        let declarators: Set<String> = ["const", "let", "var", "export"]
        if isJS, t.contains("=>"), let first = words.first, declarators.contains(first) {
            return true
        }
        guard let paren = t.firstIndex(of: "(") else { return false }
        let head = String(t[..<paren]).strip(" \t")
        let separators: Set<Character> = [" ", "*", "&", ":"]
        guard let name = head.split(whereSeparator: { separators.contains($0) }).last else { return false }
        let nameOK = name.allSatisfy { (c: Character) -> Bool in c.isLetter || c.isNumber || c == "_" || c == "$" || c == "~" }
        guard nameOK, !controlKeywords.contains(String(name)), !head.contains("="), !head.hasSuffix(".") else { return false }
        // Find `{` before `;` within a few lines.
        for line in lines[index..<min(lines.count, index + 6)] {
            for ch in line {
                if ch == "{" { return true }
                if ch == ";" { return false }
            }
        }
        return false
    }

    static func pythonSignatureEnd(_ lines: [String], from start: Int) -> Int {
        var depth = 0
        for index in start..<min(lines.count, start + 40) {
            var inString: Character?
            var last: Character = " "
            for ch in lines[index] {
                if let q = inString {
                    if ch == q { inString = nil }
                    continue
                }
                if ch == "#" { break }
                if ch == "\"" || ch == "'" { inString = ch; continue }
                if "([{".contains(ch) { depth += 1 }
                if ")]}".contains(ch) { depth -= 1 }
                if !ch.isWhitespace { last = ch }
            }
            if depth <= 0 && last == ":" { return index }
        }
        return start
    }

    static func leadingWhitespace(_ s: String) -> String { String(s.prefix(while: { $0 == " " || $0 == "\t" })) }
}

extension String {
    func strip(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
