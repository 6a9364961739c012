extension Trim {
    /// Comment lines that only stand in for code (`# your code here`, `// TODO: implement`) are
    /// dropped: the model copied an exercise's stub, and the user gets nothing to accept. A middle
    /// that was only a placeholder is left empty, so the backend's retry asks the model again without
    /// that first token; so is one whose other lines are only stub statements (`pass`, `...`,
    /// `raise NotImplementedError`, `todo!()`), the rest of the same stub. A comment the user started
    /// typing is not the middle's own line, so it stays.
    public static func placeholderComments(_ middle: String, _ context: TrimContext) -> String {
        guard middle.contains(where: { "#/*-".contains($0) }) else { return middle }
        let lines = Text.lines(middle)
        let kept = lines.enumerated().filter { index, line in
            // Line 0 continues the cursor's line: a placeholder only when the cursor line is blank.
            !(isPlaceholderComment(line) && (index > 0 || Text.isBlank(context.lineBeforeCursor)))
        }
        guard kept.count < lines.count else { return middle }
        if kept.allSatisfy({ Text.isBlank($0.element) || isStubStatement($0.element) }) { return "" }
        return kept.map(\.element).joined(separator: "\n")
    }

    /// Statements that stand in for a body in an exercise stub.
    static let stubStatements: Set<String> = [
        "pass", "...", "raise NotImplementedError", "raise NotImplementedError()", "todo!()", "unimplemented!()",
    ]

    static func isStubStatement(_ line: Substring) -> Bool {
        let statement = line.trimmingWhitespace()
        return stubStatements.contains(statement.hasSuffix(";") ? String(statement.dropLast()) : statement)
    }

    /// Comment text (lowercased, without its marker and punctuation) that means "code goes here".
    static let placeholderTexts: Set<String> = [
        "your code here", "write your code here", "add your code here", "insert your code here",
        "insert code here", "code here", "put your code here", "enter your code here", "your code goes here",
        "todo", "todo implement", "todo implement me", "todo implement this", "implement me", "implement this",
        "fill in", "fill this in", "fill in the code", "complete the code", "complete this function",
    ]

    static func isPlaceholderComment(_ line: Substring) -> Bool {
        guard Text.isComment(line) else { return false }
        let text = line.drop { $0.isWhitespace || "#/*-".contains($0) }
            .lowercased()
            .map { $0.isLetter || $0 == " " ? $0 : " " }
        let words = String(text).split(separator: " ").joined(separator: " ")
        return placeholderTexts.contains(words)
    }
}
