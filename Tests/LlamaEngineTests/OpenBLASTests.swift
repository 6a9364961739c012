import Foundation
import XCTest
@testable import LlamaEngine

final class OpenBLASTests: XCTestCase {
    func testCoreTypeIsChosenForThisCPUUnlessTheUserSetIt() throws {
        let userSetting = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let blas = try XCTUnwrap(OpenBLAS.shared, "libopenblas0 is not installed; run scripts/install-deps")
        let preferred = OpenBLAS.preferredCoreType(cpuFlags: OpenBLAS.cpuFlags())
        if userSetting == nil || blas.chosenCoreType != nil {
            XCTAssertEqual(blas.chosenCoreType, preferred)
            if let preferred {
                XCTAssertEqual(blas.coreName.lowercased(), preferred.lowercased(),
                               "OpenBLAS loaded with core \(blas.coreName), not the \(preferred) the engine chose")
            }
        } else {
            XCTAssertNil(blas.chosenCoreType, "the user's OPENBLAS_CORETYPE=\(userSetting!) must be left alone")
        }
        XCTAssertEqual(OpenBLAS.preferredCoreType(cpuFlags: ["avx2", "fma", "avx512f", "avx512bw", "avx512dq",
                                                             "avx512vl"]), "SkylakeX")
        XCTAssertEqual(OpenBLAS.preferredCoreType(cpuFlags: ["avx2", "fma"]), "Haswell")
        XCTAssertNil(OpenBLAS.preferredCoreType(cpuFlags: ["sse2"]))
    }

    /// The prefill path through SGEMM (matrices and attention) gives the logits of the engine's own kernels.
    func testBLASPrefillMatchesEngineKernels() throws {
        XCTAssertNotNil(OpenBLAS.shared, "libopenblas0 is not installed; run scripts/install-deps")
        for arch in ["llama", "qwen2"] {
            var shape = TinyModel.Shape()
            shape.architecture = arch
            shape.context = 128
            let path = try TinyModel.write(shape, seed: 7)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let model = try LlamaModel(path: path)
            let tokens = (0..<90).map { Int32(($0 * 37 + 11) % 50) }
            var results: [[[Float]]] = []
            for useBLAS in [true, false] {
                let session = try Session(model: model, options: SessionOptions(
                    threads: 2, batchSize: 40, logitRows: 40, useBLAS: useBLAS))
                XCTAssertEqual(session.blas != nil, useBLAS)
                var rows: [[Float]] = []
                // Two sub-batches of 40 exercise attention over a cached prefix, then 10 on the own path.
                try session.evaluateAll(tokens) { _, logits in rows.append(Array(logits)) }
                results.append(rows)
            }
            var worst: Float = 0
            for (a, b) in zip(results[0], results[1]) {
                for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
            }
            XCTAssertLessThan(worst, 1e-3, "\(arch): BLAS and engine logits differ by \(worst)")
        }
    }
}
