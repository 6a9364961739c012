import CBuildInfo

/// The one version string: `infill --version` prints it and `initialize` reports it as
/// `serverInfo.version`, so a bug report names the exact build.
public enum InfillVersion {
    public static let release = "0.1.0"
    /// The git commit of the build (`scripts/record-commit`), or "unknown commit".
    public static let commit = String(cString: infill_build_commit())
    /// "0.1.0 (1a2b3c4d5e6f)".
    public static let description = "\(release) (\(commit))"
}
