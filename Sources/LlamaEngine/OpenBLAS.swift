import Foundation

/// OpenBLAS, loaded with dlopen on first use rather than linked, so its CPU core type can be chosen
/// first.
///
/// Debian 12's OpenBLAS 0.3.21 does not recognise recent AMD EPYC CPUs and falls back to its slowest
/// ("Prescott") kernels: about 60 GFLOP/s on 2 threads against about 310 with `SkylakeX`. It reads
/// `OPENBLAS_CORETYPE` once, when the library loads; a linked library loads before `main`, too early
/// to set it. So the engine loads it itself, after setting the variable from the CPU's flags, unless
/// the user has set it (their setting always wins).
public struct OpenBLAS: @unchecked Sendable {
    typealias SgemmFunction = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
        UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void

    private let sgemmFunction: SgemmFunction
    private let setThreadsFunction: (@convention(c) (Int32) -> Void)?
    /// The kernel family OpenBLAS chose ("SkylakeX", "Haswell", "Prescott", ...).
    public let coreName: String
    /// The OPENBLAS_CORETYPE the engine set, or nil when it left the environment alone.
    public let chosenCoreType: String?

    /// The loaded library, or nil when OpenBLAS is not installed (the engine then uses its own kernels).
    public static let shared: OpenBLAS? = load()

    /// The core type for this CPU, from /proc/cpuinfo flags: AVX-512 → SkylakeX, AVX2 → Haswell.
    public static func preferredCoreType(cpuFlags: Set<Substring>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " "))
    }

    private static func load() -> OpenBLAS? {
        var chosen: String?
        let alreadyLoaded = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD) != nil
        if !alreadyLoaded, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
           let core = preferredCoreType(cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", core, 0)
            chosen = core
        }
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL)
                ?? dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL),
              let sgemm = dlsym(handle, "cblas_sgemm") else { return nil }
        let setThreads = dlsym(handle, "openblas_set_num_threads")
        var name = "unknown"
        if let symbol = dlsym(handle, "openblas_get_corename") {
            let getName = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<CChar>?).self)
            if let cName = getName() { name = String(cString: cName) }
        }
        return OpenBLAS(
            sgemmFunction: unsafeBitCast(sgemm, to: SgemmFunction.self),
            setThreadsFunction: setThreads.map { unsafeBitCast($0, to: (@convention(c) (Int32) -> Void).self) },
            coreName: name, chosenCoreType: chosen)
    }

    public func setThreads(_ n: Int) { setThreadsFunction?(Int32(n)) }

    /// C (m × n) = alpha · A (m × k) · op(B) + beta · C, row-major; op(B) = Bᵀ when `transposeB`
    /// (B stored n × k).
    func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
               transposeB: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112
        sgemmFunction(rowMajor, noTrans, transposeB ? trans : noTrans, Int32(m), Int32(n), Int32(k), alpha,
                      a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
