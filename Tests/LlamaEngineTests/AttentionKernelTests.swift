import CKernels
import XCTest

/// ck_attention on every SIMD path this CPU has gives the bits of the portable build (llama.cpp's order):
/// one query (decode) and a batch, short and long contexts (past the 8-, 16- and 64-position groups the
/// SIMD code works in), head sizes 64 and 128, f16 and f32 caches, GQA-like strides.
final class AttentionKernelTests: XCTestCase {
    func testEverySIMDPathMatchesThePortableBitForBit() throws {
        var paths: [(String, ck_attention_fn)] = []
        if ck_cpu_supports(Int32(CK_PATH_AVX2)) != 0 { paths.append(("avx2", ck_attention_avx2)) }
        if ck_cpu_supports(Int32(CK_PATH_AVX512)) != 0 { paths.append(("avx512", ck_attention_avx512)) }
        if paths.isEmpty { throw XCTSkip("no SIMD path on this CPU") }
        var random = QuantKernelTests.Random(state: 42)
        for headDim in [64, 128] {
            for f16 in [Int32(0), 1] {
                for (startPos, queries) in [(0, 1), (6, 1), (70, 1), (300, 1), (0, 5), (37, 9), (200, 20)] {
                    let kvStride = 2 * headDim + 8 // another head's columns in between, as a real cache has
                    let positions = startPos + queries
                    let keys = (0..<(positions * kvStride)).map { _ in random.normal() }
                    let values = (0..<(positions * kvStride)).map { _ in random.normal() }
                    // Large scores in some rows, so exp meets its clamps.
                    let q = (0..<(queries * headDim)).map { i in random.normal() * (i % 7 == 0 ? 4 : 1) }
                    let scale = 1 / Float(headDim).squareRoot()
                    let kCache = Self.cache(keys, f16: f16 != 0), vCache = Self.cache(values, f16: f16 != 0)
                    func run(_ kernel: ck_attention_fn) -> [Float] {
                        var scratch = [Float](repeating: .nan, count: Int(ck_attention_scratch(Int64(positions), Int64(headDim))))
                        var out = [Float](repeating: .nan, count: queries * headDim)
                        kCache.withUnsafeBytes { k in
                            vCache.withUnsafeBytes { v in
                                kernel(f16, q, Int64(headDim), Int64(queries), Int64(startPos), k.baseAddress!,
                                       v.baseAddress!, Int64(kvStride), Int64(headDim), scale, &scratch, &out,
                                       Int64(headDim))
                            }
                        }
                        return out
                    }
                    let expected = run(ck_attention_scalar)
                    for (name, kernel) in paths {
                        let got = run(kernel)
                        let context = "\(name) head \(headDim) f16 \(f16) start \(startPos) queries \(queries)"
                        XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), context)
                    }
                }
            }
        }
    }

    /// ck_attention_group (one query row of several heads sharing a KV head) equals ck_attention of each
    /// head alone on the portable path, bit for bit, on every path.
    func testGroupedHeadsMatchOneHeadAtATime() {
        var groups: [(String, ck_attention_group_fn)] = [("scalar", ck_attention_group_scalar)]
        if ck_cpu_supports(Int32(CK_PATH_AVX2)) != 0 { groups.append(("avx2", ck_attention_group_avx2)) }
        if ck_cpu_supports(Int32(CK_PATH_AVX512)) != 0 { groups.append(("avx512", ck_attention_group_avx512)) }
        var random = QuantKernelTests.Random(state: 7)
        for headDim in [64, 128] {
            for f16 in [Int32(0), 1] {
                for (heads, startPos) in [(2, 0), (6, 9), (7, 64), (6, 300)] {
                    let kvStride = 2 * headDim, positions = startPos + 1
                    let kCache = Self.cache((0..<(positions * kvStride)).map { _ in random.normal() }, f16: f16 != 0)
                    let vCache = Self.cache((0..<(positions * kvStride)).map { _ in random.normal() }, f16: f16 != 0)
                    let q = (0..<(heads * headDim)).map { _ in random.normal() * 2 }
                    let scale = 1 / Float(headDim).squareRoot()
                    let perHead = Int(ck_attention_scratch(Int64(positions), Int64(headDim)))
                    var expected = [Float](repeating: .nan, count: heads * headDim)
                    kCache.withUnsafeBytes { k in
                        vCache.withUnsafeBytes { v in
                            for g in 0..<heads {
                                var scratch = [Float](repeating: .nan, count: perHead)
                                ck_attention_scalar(f16, Array(q[(g * headDim)...]), Int64(headDim), 1, Int64(startPos),
                                                    k.baseAddress!, v.baseAddress!, Int64(kvStride), Int64(headDim), scale,
                                                    &scratch, &expected[g * headDim], Int64(headDim))
                            }
                        }
                    }
                    for (name, kernel) in groups {
                        var scratch = [Float](repeating: .nan, count: heads * perHead)
                        var got = [Float](repeating: .nan, count: heads * headDim)
                        kCache.withUnsafeBytes { k in
                            vCache.withUnsafeBytes { v in
                                kernel(f16, q, Int64(heads), Int64(startPos), k.baseAddress!, v.baseAddress!,
                                       Int64(kvStride), Int64(headDim), scale, &scratch, &got)
                            }
                        }
                        XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern),
                                       "\(name) head \(headDim) f16 \(f16) heads \(heads) start \(startPos)")
                    }
                }
            }
        }
    }

    /// The cache's bytes: f32, or f16 (rounded to nearest even, as the engine stores it).
    static func cache(_ values: [Float], f16: Bool) -> [UInt8] {
        if f16 {
            return values.flatMap { v -> [UInt8] in
                let bits = Float16(v).bitPattern
                return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            }
        }
        return values.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }
}
