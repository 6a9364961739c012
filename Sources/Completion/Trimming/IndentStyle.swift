// Indentation style of the document, applied to the completion's lines.

/// Tabs or spaces, and how wide a tab is.
public struct IndentStyle: Sendable, Equatable, Codable {
    public var usesTabs: Bool
    public var tabSize: Int

    public init(usesTabs: Bool, tabSize: Int = 4) {
        self.usesTabs = usesTabs
        self.tabSize = max(1, tabSize)
    }

    /// The style of the indented lines of `text` (majority of tab- vs space-indented lines); nil when
    /// no line is indented.
    public static func detect(in text: String, tabSize: Int = 4) -> IndentStyle? {
        var tabs = 0
        var spaces = 0
        var atLineStart = true
        for scalar in text.unicodeScalars {
            if atLineStart {
                if scalar == "\t" { tabs += 1 } else if scalar == " " { spaces += 1 }
            }
            atLineStart = scalar == "\n"
        }
        if tabs == 0, spaces == 0 { return nil }
        return IndentStyle(usesTabs: tabs > spaces, tabSize: tabSize)
    }

    /// The document's own style wins (the model imitates it and the user sees it); the editor's
    /// `formattingOptions` decide when the document has no indented line, and give the tab width.
    public static func resolve(document: String, insertSpaces: Bool?, tabSize: Int?) -> IndentStyle? {
        let size = tabSize ?? 4
        if let detected = detect(in: document, tabSize: size) { return detected }
        guard let insertSpaces else { return nil }
        return IndentStyle(usesTabs: !insertSpaces, tabSize: size)
    }
}
