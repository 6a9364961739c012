// Languages the prompt builder knows by LSP language id, for their comment syntax (file headers
// of extra context in the multi-file prompt).

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

    /// The line-comment marker, for prompt context headers.
    public var lineComment: String {
        switch self {
        case .python: return "#"
        case .lua: return "--"
        default: return "//"
        }
    }
}
