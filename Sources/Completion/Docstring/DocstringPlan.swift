// A docstring is a FIM completion: the opener ends the prefix, the closer starts the suffix, and the
// model writes what goes between. This file builds that prompt text and formats the result.

/// How to ask for a docstring for one function and how to turn the model's text into the edit.
public struct DocstringPlan: Sendable, Equatable {
    public var language: DocLanguage
    public var site: FunctionSite
    /// FIM prefix and suffix ("\n" line endings): the document with the opener and closer in place.
    public var prefix: String
    public var suffix: String
    /// Text that ends the docstring (the closer); pass to `TrimContext.stopStrings` and the engine.
    public var stopStrings: [String]
    /// The edit goes at the start of this line (0-based): a whole-line insertion.
    public var insertionLine: Int
    /// Indentation of the docstring's lines.
    public var indentation: String

    /// Builds the plan for `site` in `text`. `indentUnit` is one level of indentation in the document
    /// (Python bodies without a line to copy it from).
    public init(site: FunctionSite, in text: String, language: DocLanguage, indentUnit: String = "    ") {
        let lines = Text.lines(LineEnding.normalized(text)).map(String.init)
        self.language = language
        self.site = site
        func joined(_ range: Range<Int>) -> String {
            range.isEmpty ? "" : lines[range].joined(separator: "\n") + "\n"
        }
        switch language.style {
        case .innerTripleQuote:
            let bodyStart = site.signatureEndLine + 1
            let firstBody = lines[min(bodyStart, lines.count)...].first { !Text.isBlank($0) }
            let bodyIndent = firstBody.map { String($0.prefix(while: { $0 == " " || $0 == "\t" })) }
                .flatMap { $0.count > site.indentation.count ? $0 : nil } ?? site.indentation + indentUnit
            indentation = bodyIndent
            insertionLine = bodyStart
            prefix = joined(0..<min(bodyStart, lines.count)) + bodyIndent + "\"\"\""
            suffix = "\"\"\"\n" + lines[min(bodyStart, lines.count)...].joined(separator: "\n")
            stopStrings = ["\"\"\""]
        case .linesAbove(let marker):
            indentation = site.indentation
            insertionLine = site.firstLine
            let lead = language == .go ? "\(marker) \(site.name) " : "\(marker) "
            prefix = joined(0..<site.firstLine) + site.indentation + lead
            suffix = "\n" + lines[site.firstLine...].joined(separator: "\n")
            stopStrings = []
        case .blockAbove:
            indentation = site.indentation
            insertionLine = site.firstLine
            prefix = joined(0..<site.firstLine) + site.indentation + "/**\n" + site.indentation + " * "
            suffix = "\n" + site.indentation + " */\n" + lines[site.firstLine...].joined(separator: "\n")
            stopStrings = ["*/"]
        }
    }

    /// Convenience: find the function around `line` and plan its docstring.
    public static func plan(in text: String, line: Int, language: DocLanguage, indentUnit: String = "    ") -> DocstringPlan? {
        guard let site = FunctionFinder.function(in: text, line: line, language: language) else { return nil }
        return DocstringPlan(site: site, in: text, language: language, indentUnit: indentUnit)
    }

    /// The model's text cut where the documentation ends: at the closer, or (line comments) before
    /// the first line after the first that is blank or not a comment line.
    public func cut(_ middle: String) -> String {
        var text = LineEnding.normalized(middle)
        for stop in stopStrings {
            if let range = text.firstRange(of: stop) { text = String(text[..<range.lowerBound]) }
        }
        if case .linesAbove(let marker) = language.style {
            let lines = Text.lines(text)
            let end = lines.indices.dropFirst().first { !lines[$0].trimmingWhitespace().hasPrefix(marker) } ?? lines.count
            text = lines[..<end].joined(separator: "\n")
        }
        return text
    }

    /// True once `generated` holds the whole docstring (streaming check for the engine).
    public func shouldStop(generatedSoFar generated: String) -> Bool {
        let text = LineEnding.normalized(generated)
        if stopStrings.contains(where: { text.contains($0) }) { return true }
        guard case .linesAbove(let marker) = language.style else { return false }
        let lines = Text.lines(text)
        for (number, line) in lines.enumerated().dropFirst() {
            let body = line.trimmingWhitespace()
            let complete = number < lines.count - 1
            if body.isEmpty { if complete { return true } else { continue } }
            if !body.hasPrefix(marker), !marker.hasPrefix(body) { return true }
        }
        return false
    }

    /// The text to insert at the start of `insertionLine` (whole lines, ending in "\n") in the
    /// document's line ending; nil when the model wrote nothing useful.
    public func edit(forMiddle middle: String, lineEnding: LineEnding = .lf) -> String? {
        let raw = Text.lines(cut(middle))
        // Python keeps the docstring's own relative indentation (Args: blocks); comment styles are
        // rebuilt line by line.
        let common = raw.dropFirst().filter { !Text.isBlank($0) }.map { Text.indentWidth($0, tabSize: 1) }.min() ?? 0
        let content = raw.enumerated().map { number, line -> String in
            var body = line.trimmingWhitespace()
            switch language.style {
            case .innerTripleQuote:
                if number > 0, !body.isEmpty {
                    body = String(line.dropFirst(min(common, Text.indentWidth(line, tabSize: 1))).trimmingTrailingWhitespace())
                }
            case .linesAbove(let marker):
                if body.hasPrefix(marker) { body = String(body.dropFirst(marker.count)).trimmingWhitespace() }
            case .blockAbove:
                if body.hasPrefix("*"), !body.hasPrefix("*/") { body = String(body.dropFirst()).trimmingWhitespace() }
            }
            return body
        }
        // Drop blank lines at both ends.
        var lines = Array(content.drop(while: { $0.isEmpty }))
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { return nil }

        let result: String
        switch language.style {
        case .innerTripleQuote:
            if lines.count == 1 {
                result = indentation + "\"\"\"" + lines[0] + "\"\"\"\n"
            } else {
                let body = lines.dropFirst().map { $0.isEmpty ? "" : indentation + $0 }
                result = indentation + "\"\"\"" + lines[0] + "\n" + body.joined(separator: "\n") + "\n" + indentation + "\"\"\"\n"
            }
        case .linesAbove(let marker):
            var body = lines
            if language == .go { body[0] = site.name + " " + body[0] }
            result = body.map { indentation + marker + ($0.isEmpty ? "" : " " + $0) }.joined(separator: "\n") + "\n"
        case .blockAbove:
            let body = lines.map { indentation + " *" + ($0.isEmpty ? "" : " " + $0) }
            result = indentation + "/**\n" + body.joined(separator: "\n") + "\n" + indentation + " */\n"
        }
        return lineEnding.apply(to: result)
    }
}
