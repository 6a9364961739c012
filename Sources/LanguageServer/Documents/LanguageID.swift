/// LSP language identifiers from file names, for callers without an editor (`infill complete`).
public enum LanguageID {
    static let byExtension: [String: String] = [
        "py": "python", "swift": "swift", "rs": "rust", "go": "go", "js": "javascript", "jsx": "javascriptreact",
        "ts": "typescript", "tsx": "typescriptreact", "java": "java", "c": "c", "h": "c", "cc": "cpp", "cpp": "cpp",
        "cxx": "cpp", "hpp": "cpp", "lua": "lua", "rb": "ruby", "sh": "shellscript", "kt": "kotlin", "cs": "csharp",
    ]

    public static func forPath(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "plaintext" }
        return byExtension[String(path[path.index(after: dot)...]).lowercased()] ?? "plaintext"
    }
}
