// Languages the "Generate docstring" action knows, with their documentation comment style.

public enum DocLanguage: String, Sendable, CaseIterable, Codable {
    case python, swift, rust, go, javascript, typescript, java, c, cpp, lua

    /// From an LSP `languageId` (`typescriptreact` counts as TypeScript, `objective-c` as C).
    public init?(languageID: String) {
        switch languageID {
        case "python": self = .python
        case "swift": self = .swift
        case "rust": self = .rust
        case "go": self = .go
        case "javascript", "javascriptreact": self = .javascript
        case "typescript", "typescriptreact": self = .typescript
        case "java": self = .java
        case "c", "objective-c": self = .c
        case "cpp", "c++", "objective-cpp", "cuda-cpp": self = .cpp
        case "lua": self = .lua
        default: return nil
        }
    }

    /// Where the documentation goes and how it is written.
    public enum Style: Sendable, Equatable {
        /// `"""…"""` as the first statement of the body (Python).
        case innerTripleQuote
        /// A run of line comments above the declaration (`///`, `//`, `---`).
        case linesAbove(marker: String)
        /// `/** … */` above the declaration.
        case blockAbove
    }

    public var style: Style {
        switch self {
        case .python: return .innerTripleQuote
        case .swift, .rust: return .linesAbove(marker: "///")
        case .go: return .linesAbove(marker: "//")
        case .lua: return .linesAbove(marker: "---")
        case .javascript, .typescript, .java, .c, .cpp: return .blockAbove
        }
    }

    /// The line-comment marker, for prompt context headers.
    public var lineComment: String {
        switch self {
        case .python: return "#"
        case .lua: return "--"
        default: return "//"
        }
    }

    var usesBraces: Bool { self != .python && self != .lua }
}
