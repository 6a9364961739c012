import Foundation
import XCTest
import GGUF
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

    /// In a process started without OPENBLAS_CORETYPE (this test binary, run again on this one test),
    /// the engine sets the core type for the CPU before OpenBLAS loads, and OpenBLAS uses it.
    func testCoreTypeIsChosenInAFreshProcessWithoutTheVariable() throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["INFILL_OPENBLAS_CHILD"] != nil {
            let blas = try XCTUnwrap(OpenBLAS.shared)
            let preferred = OpenBLAS.preferredCoreType(cpuFlags: OpenBLAS.cpuFlags())
            XCTAssertEqual(blas.chosenCoreType, preferred)
            XCTAssertEqual(blas.coreName.lowercased(), (preferred ?? blas.coreName).lowercased())
            return
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        let testName = "LlamaEngineTests.OpenBLASTests/testCoreTypeIsChosenInAFreshProcessWithoutTheVariable"
        child.arguments = CommandLine.arguments[0].hasSuffix(".xctest") ? [testName] : ["-XCTest", testName]
        var childEnvironment = environment.filter { $0.key != "OPENBLAS_CORETYPE" }
        childEnvironment["INFILL_OPENBLAS_CHILD"] = "1"
        child.environment = childEnvironment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        try child.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("Executed 1 test, with 0 failures"), text)
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
                let prefill: PrefillProduct = useBLAS ? .openBLAS : .engine
                let session = try Session(model: model, options: SessionOptions(
                    threads: 2, batchSize: 40, logitRows: 40, prefill: prefill))
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

    func testAutomaticPrefillUsesOpenBLASOnlyWhereItWins() {
        // AVX-512 VNNI: the int8 kernels for every type. AVX2 or less: OpenBLAS for the 32-element
        // types, the int8 kernels for the K-quants (see PrefillProduct for the measurements).
        XCTAssertEqual(PrefillProduct.automatic.blasTypes(on: .avx512), [])
        let avx2 = PrefillProduct.automatic.blasTypes(on: .avx2)
        XCTAssertTrue(avx2.isSuperset(of: [.q8_0, .q5_0, .q4_0, .q4_1, .q5_1, .f16]))
        XCTAssertTrue(avx2.isDisjoint(with: [.q4_K, .q5_K, .q6_K]))
        XCTAssertEqual(PrefillProduct.engine.blasTypes(on: .avx2), [])
        XCTAssertEqual(PrefillProduct.openBLAS.blasTypes(on: .avx512), Set(QuantTraits.supportedTypes))
    }
}
