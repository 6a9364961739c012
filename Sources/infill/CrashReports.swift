import Foundation

/// The Swift runtime's crash report carries absolute source paths and registers, and an editor
/// files the server's stderr in its log; the server runs without it unless asked. The runtime
/// reads `SWIFT_BACKTRACE` once, at start-up, so the process starts itself again with it set.
enum CrashReports {
    static func quiet(unless debug: Bool) {
        guard !debug, ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil else { return }
        setenv("SWIFT_BACKTRACE", "enable=no", 1)
        var arguments: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &arguments)
        // exec failed (no /proc): go on with the runtime's default.
    }
}
