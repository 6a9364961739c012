import CKernels
import Foundation
import GGUF
import XCTest

@testable import LlamaEngine

/// Walks `QuantTraits.all` and checks every type on every kernel path this CPU has:
/// - dequantization equals gguf-py's (fixtures from tools/make-quant-fixtures.py) bit for bit;
/// - the scalar dot equals the exact (double) dot of dequantized weights and dequantized activations
///   within 1e-5 of sum |w*a| (f32 accumulation only);
/// - every SIMD path equals the scalar dot within 1e-5 of sum |w*a| (summation order only), for matVec and matMul;
/// - the scalar dot equals the f32 dot of dequantized weights and the original activations within the
///   activation rounding bound sum |w| * d_block / 2 (plus the 1e-5 above).
/// A new type in the table is covered here with no new test code.
final class QuantKernelTests: XCTestCase {
    struct Fixture {
        let type: GGMLType
        let rows: Int
        let cols: Int
        let raw: [UInt8]
        let floats: [Float]
    }

    static let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quant")

    func loadFixture(_ type: GGMLType) throws -> Fixture {
        let manifestURL = Self.fixtureDirectory.appendingPathComponent("manifest.json")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [[String: Any]] ?? []
        guard let entry = manifest.first(where: { $0["id"] as? Int == Int(type.rawValue) }),
              let rows = entry["rows"] as? Int, let cols = entry["cols"] as? Int else {
            throw XCTSkip("no fixture for \(type) in \(manifestURL.path); run tools/make-quant-fixtures.py")
        }
        let raw = try [UInt8](Data(contentsOf: Self.fixtureDirectory.appendingPathComponent("\(type).bin")))
        let floatBytes = try Data(contentsOf: Self.fixtureDirectory.appendingPathComponent("\(type).f32"))
        let floats = floatBytes.withUnsafeBytes { buffer in
            (0..<(buffer.count / 4)).map { Float(bitPattern: buffer.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
        }
        XCTAssertEqual(raw.count, rows * type.rowBytes(cols)!, "\(type).bin size")
        XCTAssertEqual(floats.count, rows * cols, "\(type).f32 size")
        return Fixture(type: type, rows: rows, cols: cols, raw: raw, floats: floats)
    }

    func testTableListsTheEngineTypesWithGGUFSizes() {
        XCTAssertEqual(Set(QuantTraits.all.map(\.type)),
                       [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K])
        for traits in QuantTraits.all {
            XCTAssertEqual(QuantTraits.of(traits.type)?.type, traits.type)
            XCTAssertEqual(traits.blockSize % traits.activation.blockSize == 0 || traits.activation == .f32, true,
                           "\(traits.type): weight blocks must cover whole activation blocks")
        }
        XCTAssertEqual(MemoryLayout<ck_block_q4_K>.size, GGMLType.q4_K.blockBytes)
        XCTAssertEqual(MemoryLayout<ck_block_q5_K>.size, GGMLType.q5_K.blockBytes)
        XCTAssertEqual(MemoryLayout<ck_block_q6_K>.size, GGMLType.q6_K.blockBytes)
        XCTAssertEqual(MemoryLayout<ck_block_q5_1>.size, GGMLType.q5_1.blockBytes)
        XCTAssertNil(QuantTraits.of(.q2_K))
    }

    func testDequantizeMatchesGGUFPyBitForBit() throws {
        for traits in QuantTraits.all {
            let fixture = try loadFixture(traits.type)
            let rowBytes = traits.type.rowBytes(fixture.cols)!
            for path in KernelPath.available {
                var out = [Float](repeating: .nan, count: fixture.cols)
                for r in 0..<fixture.rows {
                    fixture.raw.withUnsafeBytes { raw in
                        out.withUnsafeMutableBufferPointer { dst in
                            Kernels.dequantizeRow(traits.type, raw.baseAddress! + r * rowBytes, dst.baseAddress!,
                                                  count: fixture.cols, path: path)
                        }
                    }
                    let expected = fixture.floats[(r * fixture.cols)..<((r + 1) * fixture.cols)]
                    let mismatches = zip(out, expected).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
                    XCTAssertTrue(mismatches.isEmpty,
                                  "\(traits.type) \(path) row \(r): \(mismatches.count) elements differ from gguf-py, first at \(mismatches.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
                }
            }
        }
    }

    /// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
        mutating func normal() -> Float {
            let u = max(uniform(), 1e-7), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    /// A rows x cols matrix of `type` made of random blocks drawn from the fixture (each block is valid alone).
    func randomMatrix(_ fixture: Fixture, rows: Int, cols: Int, random: inout Random) -> [UInt8] {
        let blockBytes = fixture.type.blockBytes
        let pool = fixture.raw.count / blockBytes
        let blocksPerRow = cols / fixture.type.blockSize
        var bytes = [UInt8]()
        bytes.reserveCapacity(rows * blocksPerRow * blockBytes)
        for _ in 0..<(rows * blocksPerRow) {
            let b = Int(random.next() % UInt64(pool))
            bytes.append(contentsOf: fixture.raw[(b * blockBytes)..<((b + 1) * blockBytes)])
        }
        return bytes
    }

    func floatMatrix(_ type: GGMLType, count: Int, random: inout Random) -> [UInt8] {
        var bytes = [UInt8]()
        for _ in 0..<count {
            let value = random.normal() * 0.05
            switch type {
            case .f16: withUnsafeBytes(of: ck_fp32_to_fp16(value).littleEndian) { bytes += $0 }
            case .bf16: withUnsafeBytes(of: UInt16(value.bitPattern >> 16).littleEndian) { bytes += $0 }
            default: withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return bytes
    }

    /// The activation values the kernels actually see (quantized values times their scale), and each
    /// element's rounding bound (half a quantization step; 0 for f32).
    func dequantizedActivations(_ x: QuantizedActivations, token: Int) -> (values: [Double], bound: [Double]) {
        let row = x.base + token * x.stride
        switch x.format {
        case .f32:
            let values = (0..<x.cols).map { Double(row.load(fromByteOffset: 4 * $0, as: Float.self)) }
            return (values, [Double](repeating: 0, count: x.cols))
        case .q8a:
            var values = [Double](), bound = [Double]()
            for b in 0..<(x.cols / 32) {
                let block = row.load(fromByteOffset: b * MemoryLayout<ck_block_q8a>.size, as: ck_block_q8a.self)
                let qs = withUnsafeBytes(of: block.qs) { Array($0.bindMemory(to: Int8.self)) }
                XCTAssertEqual(Int(block.sum), qs.reduce(0) { $0 + Int($1) }, "q8a sum")
                values += qs.map { Double($0) * Double(block.d) }
                // The scale is rounded through f16, so allow a whole step.
                bound += [Double](repeating: Double(block.d), count: 32)
            }
            return (values, bound)
        case .q8K:
            var values = [Double](), bound = [Double]()
            for b in 0..<(x.cols / 256) {
                let block = row.load(fromByteOffset: b * MemoryLayout<ck_block_q8_K>.size, as: ck_block_q8_K.self)
                let qs = withUnsafeBytes(of: block.qs) { Array($0.bindMemory(to: Int8.self)) }
                let bsums = withUnsafeBytes(of: block.bsums) { Array($0.bindMemory(to: Int16.self)) }
                for g in 0..<16 {
                    XCTAssertEqual(Int(bsums[g]), qs[(16 * g)..<(16 * g + 16)].reduce(0) { $0 + Int($1) }, "q8_K bsums")
                }
                values += qs.map { Double($0) * Double(block.d) }
                bound += [Double](repeating: Double(abs(block.d)) / 2, count: 256)
            }
            return (values, bound)
        }
    }

    func testDotProductsOnEveryPathAgree() throws {
        // 37 rows, 11 tokens: exercise row groups, row blocks and token tiles (8) with their remainders;
        // 1568 columns = 49 blocks of 32, an odd count for the two-block steps (1792 = 7 super-blocks).
        let rows = 37, batch = 11
        var random = Random(state: 42)
        let paths = KernelPath.available
        XCTAssertTrue(paths.contains(.scalar))
        for traits in QuantTraits.all {
            let type = traits.type
            let cols = traits.blockSize == 256 ? 1792 : 1568
            let fixture = try loadFixture(type)
            // Float types: random normal weights (random bits would overflow the dot); quantized types:
            // random blocks of the fixture.
            let bytes = traits.activation == .f32
                ? floatMatrix(type, count: rows * cols, random: &random)
                : randomMatrix(fixture, rows: rows, cols: cols, random: &random)
            var weights = [Float](repeating: 0, count: rows * cols)
            bytes.withUnsafeBytes { raw in
                weights.withUnsafeMutableBufferPointer { Kernels.dequantizeRow(type, raw.baseAddress!, $0.baseAddress!, count: rows * cols) }
            }
            let input = (0..<(batch * cols)).map { _ in random.normal() }
            let x = QuantizedActivations(maxCols: cols, maxBatch: batch)
            input.withUnsafeBufferPointer { x.quantize($0.baseAddress!, cols: cols, batch: batch, for: type) }

            try bytes.withUnsafeBytes { raw in
                let w = try XCTUnwrap(WeightMatrix(type: type, rows: rows, cols: cols, base: raw.baseAddress!))
                var scalar = [Float](repeating: 0, count: batch * rows)
                for path in paths {
                    var out = [Float](repeating: .nan, count: batch * rows)
                    out.withUnsafeMutableBufferPointer {
                        Kernels.matMul(w, rows: 0..<rows, x: x, batch: batch, y: $0.baseAddress!, ldy: rows, path: path)
                    }
                    if path == .scalar { scalar = out }
                    // The AVX2 mat-mul only reorders the mat-vec's loops: every token, in full tiles and
                    // in the short ones at the end of a batch, has the bits a mat-vec of it alone has (a
                    // speculative decode step relies on this to pick the tokens plain decoding would).
                    if path == .avx2 {
                        for t in 0..<batch {
                            let one = QuantizedActivations(maxCols: cols, maxBatch: 1)
                            input.withUnsafeBufferPointer { one.quantize($0.baseAddress! + t * cols, cols: cols, batch: 1, for: type) }
                            var alone = [Float](repeating: .nan, count: rows)
                            alone.withUnsafeMutableBufferPointer { Kernels.matVec(w, rows: 0..<rows, x: one, y: $0.baseAddress!, path: path) }
                            for r in 0..<rows where alone[r].bitPattern != out[t * rows + r].bitPattern {
                                XCTFail("\(type) avx2 token \(t) row \(r): mat-mul \(out[t * rows + r]) != mat-vec \(alone[r])")
                                break
                            }
                        }
                    }
                    var single = [Float](repeating: .nan, count: rows - 2)
                    single.withUnsafeMutableBufferPointer {
                        Kernels.matVec(w, rows: 1..<(rows - 1), x: x, y: $0.baseAddress!, path: path)
                    }
                    for t in 0..<batch {
                        let (a, aBound) = dequantizedActivations(x, token: t)
                        for r in 0..<rows {
                            var exact = 0.0, magnitude = 0.0, f32Dot = 0.0, roundingBound = 0.0
                            for c in 0..<cols {
                                let wv = Double(weights[r * cols + c])
                                exact += wv * a[c]
                                magnitude += abs(wv * a[c])
                                f32Dot += wv * Double(input[t * cols + c])
                                roundingBound += abs(wv) * aBound[c]
                            }
                            let tolerance = 1e-5 * magnitude + 1e-30
                            let got = Double(out[t * rows + r])
                            let context = "\(type) \(path) token \(t) row \(r)"
                            XCTAssertEqual(got, Double(scalar[t * rows + r]), accuracy: tolerance, "\(context): vs scalar")
                            if path == .scalar {
                                XCTAssertEqual(got, exact, accuracy: tolerance, "\(context): vs exact dot")
                                XCTAssertEqual(got, f32Dot, accuracy: roundingBound + tolerance, "\(context): vs f32 dot")
                            }
                            if t == 0, r >= 1, r < rows - 1 {
                                XCTAssertEqual(Double(single[r - 1]), got, accuracy: tolerance, "\(context): matVec vs matMul")
                            }
                        }
                    }
                }
            }
        }
    }

    func testActivationQuantizationIsIdenticalOnEveryPath() {
        let cols = 2048, batch = 3
        var random = Random(state: 7)
        var input = (0..<(cols * batch)).map { _ in random.normal() }
        for c in 256..<512 { input[c] = 0 }          // ties of opposite sign decide the q8_K scale's sign
        input[300] = -2
        input[301] = 2
        for c in 512..<544 { input[c] = 0 }          // an all-zero block
        for c in stride(from: 1000, to: input.count, by: 97) { input[c] = -input[c - 1] }
        for format in [ActivationFormat.q8a, .q8K] {
            var reference: [UInt8] = []
            for path in KernelPath.available {
                let x = QuantizedActivations(maxCols: cols, maxBatch: batch)
                input.withUnsafeBufferPointer { x.quantize($0.baseAddress!, cols: cols, batch: batch, format: format, path: path) }
                let bytes = [UInt8](UnsafeRawBufferPointer(start: x.base, count: x.stride * batch))
                if path == .scalar { reference = bytes }
                XCTAssertEqual(bytes, reference, "\(format) activations on \(path) differ from scalar")
            }
        }
    }

    func testKernelPathEnvironmentOverride() {
        XCTAssertEqual(KernelPath.resolve(environment: "scalar"), .scalar)
        XCTAssertEqual(KernelPath.resolve(environment: nil), KernelPath.available.last)
        XCTAssertEqual(KernelPath.resolve(environment: "bogus"), KernelPath.available.last)
        XCTAssertTrue(["scalar", "avx2", "avx512-vnni"].contains(Kernels.activePath))
    }
}
