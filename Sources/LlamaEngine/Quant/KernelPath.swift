import CKernels

/// Which implementation of the kernels runs: chosen once per process from the CPU's features,
/// or forced with `INFILL_KERNELS=scalar|avx2|avx512` (a path the CPU lacks falls back to the best it has).
public enum KernelPath: Int, Sendable, CaseIterable, CustomStringConvertible {
    case scalar = 0  // portable C reference, any CPU
    case avx2 = 1    // AVX2 + FMA + F16C
    case avx512 = 2  // AVX-512 F/BW/VL/DQ + VNNI

    /// Whether this CPU can run the path.
    public var isSupported: Bool { ck_cpu_supports(Int32(rawValue)) != 0 }

    /// Every path this CPU can run, slowest first (tests run each against scalar).
    public static var available: [KernelPath] { allCases.filter(\.isSupported) }

    public var description: String {
        switch self {
        case .scalar: return "scalar"
        case .avx2: return "avx2"
        case .avx512: return "avx512-vnni"
        }
    }

    /// The path the kernels use, resolved once.
    public static let active: KernelPath = resolve(environment: getenvString("INFILL_KERNELS"))

    static func resolve(environment value: String?) -> KernelPath {
        let best = available.last ?? .scalar
        guard let value, !value.isEmpty else { return best }
        let wanted: KernelPath
        switch value.lowercased() {
        case "scalar": wanted = .scalar
        case "avx2": wanted = .avx2
        case "avx512", "avx512-vnni": wanted = .avx512
        default:
            printToStandardError("infill: INFILL_KERNELS=\(value) is not one of scalar, avx2, avx512; using \(best)")
            return best
        }
        if wanted.isSupported { return wanted }
        let fallback = available.last { $0.rawValue < wanted.rawValue } ?? .scalar
        printToStandardError("infill: INFILL_KERNELS=\(value) is not supported by this CPU; using \(fallback)")
        return fallback
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func getenvString(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    return String(cString: raw)
}

private func printToStandardError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
