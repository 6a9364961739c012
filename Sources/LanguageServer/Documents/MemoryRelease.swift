import Foundation

/// glibc keeps freed memory in its arenas; after a large document is closed the process would
/// stay at its peak size. Trimming hands the free pages back to the system. (`malloc_trim` is
/// glibc's own, not in the Glibc module: looked up once, absent elsewhere.)
enum MemoryRelease {
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }

    static func afterClosing() { _ = trim?(0) }
}
