#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Tensor views point into it, so it lives as long as the
/// GGUFFile that owns it.
final class MappedFile: @unchecked Sendable {  // immutable after init; the mapping is read-only
    let base: UnsafeRawPointer
    let size: Int

    init(path: String) throws(GGUFError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw GGUFError(path: path, offset: 0, kind: .cannotOpen(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError(path: path, offset: 0, kind: .cannotOpen(String(cString: strerror(errno))))
        }
        size = Int(info.st_size)
        guard size > 0 else { throw GGUFError(path: path, offset: 0, kind: .truncated(needed: 4)) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw GGUFError(path: path, offset: 0, kind: .cannotOpen("mmap: " + String(cString: strerror(errno))))
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }
}
