import Foundation
import InfillTestSupport
import XCTest
@testable import GGUF

/// Mutated headers and tensor tables end in a thrown `GGUFError` that names the file and the
/// offset, or in a file whose every tensor view lies inside the mapping; never in a trap (which
/// would kill this process: the test itself is the check). Fixed seeds, so a failure repeats;
/// `INFILL_FUZZ_ITERATIONS` and `INFILL_FUZZ_SEED` make the long runs of `Benchmarks/fuzz/gguf.sh`.
final class GGUFFuzzTests: XCTestCase {
    /// Reads the file the way `infill model-info` and the loader do, touching every tensor's first
    /// and last byte (a range outside the mapping would fault here).
    static func read(_ path: String) throws(GGUFError) -> Int {
        let file = try GGUFFile(path: path)
        let summary = ModelSummary(file)
        var sum = summary.report.utf8.count
        for t in file.tensors {
            let bytes = file.bytes(of: t)
            sum &+= Int(bytes.first ?? 0) &+ Int(bytes.last ?? 0) &+ t.elementCount
        }
        for key in file.metadataKeys {
            sum &+= (file.stringArray(key)?.count ?? 0) &+ (file.intArray(key)?.count ?? 0) &+ (file.floatArray(key)?.count ?? 0)
        }
        return sum
    }

    /// Runs `read` on each input, checking every error's message names the file.
    static func fuzz(_ inputs: Int, name: String, _ make: (Int) -> (bytes: [UInt8], what: String)) -> GGUFFuzz.Tally {
        var tally = GGUFFuzz.Tally()
        for i in 0..<inputs {
            let (bytes, what) = make(i)
            let path = GGUFFuzz.writeInput(bytes, name: "\(name)-\(getpid()).gguf")
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                _ = try read(path)
                tally.accepted += 1
            } catch {
                tally.rejected += 1
                let message = error.description
                XCTAssertTrue(message.hasPrefix("\(path): at byte "), "input \(i) (\(what)): message lacks file and offset: \(message)")
                tally.errorKinds[GGUFFuzz.kind(of: error), default: 0] += 1
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if seconds > tally.slowestSeconds { (tally.slowestSeconds, tally.slowestInput) = (seconds, "input \(i): \(what)") }
            tally.inputs += 1
        }
        try? FileManager.default.removeItem(atPath: (GGUFFuzz.directory as NSString).appendingPathComponent("\(name)-\(getpid()).gguf"))
        return tally
    }

    func testMutatedHeadersAndTensorTablesThrowOrRead() {
        let iterations = GGUFFuzz.iterations(ci: 3000)
        let seed = GGUFFuzz.seed(ci: 20)
        for flavor in GGUFFuzz.Flavor.allCases {
            let target = GGUFFuzz.Target(GGUFFuzz.model(flavor))
            let valid = GGUFFuzz.writeInput(target.bytes, name: "valid-\(getpid()).gguf")
            XCTAssertNoThrow(try Self.read(valid))
            try? FileManager.default.removeItem(atPath: valid)
            let tally = Self.fuzz(iterations, name: "read-\(flavor)") { i in
                GGUFFuzz.mutate(target, seed: GGUFFuzz.inputSeed(seed, i))
            }
            print("GGUFFuzz read \(flavor) seed \(seed): \(tally)")
            XCTAssertEqual(tally.inputs, iterations)
            XCTAssertGreaterThan(tally.rejected, 0)
            XCTAssertLessThan(tally.slowestSeconds, 5, "slowest: \(tally.slowestInput)")
        }
    }

    func testEveryTruncationOfTheSmallModels() {
        for flavor in GGUFFuzz.Flavor.allCases {
            let bytes = GGUFFuzz.model(flavor)
            let target = GGUFFuzz.Target(bytes)
            // Every byte of the header and tensor table, then every 61st byte of the data.
            let cuts = Array(0..<target.dataOffset) + Array(stride(from: target.dataOffset, to: bytes.count, by: 61))
            let tally = Self.fuzz(cuts.count, name: "cut-\(flavor)") { i in (Array(bytes.prefix(cuts[i])), "cut at \(cuts[i])") }
            // Every cut loses tensor data (the last tensor ends the file), so none may be accepted.
            XCTAssertEqual(tally.accepted, 0, "\(flavor)")
        }
    }

    /// The header of a real model, cut at many offsets (every field boundary of the first tensor
    /// infos and key/values, and spread over the rest), then with bytes flipped. Only the header
    /// and tensor table are read (a few MB), not the weights.
    func testSmolLMHeaderTruncationsAndFlips() throws {
        let path = try TestModels.path("smollm2-135m")
        let file = try GGUFFile(path: path)
        let header = Array(UnsafeRawBufferPointer(start: file.baseAddress, count: file.dataOffset))
        let target = GGUFFuzz.Target(header)
        XCTAssertEqual(target.dataOffset, file.dataOffset)
        let early = target.fields.prefix(200).flatMap { [$0.offset, $0.offset + 1, $0.offset + $0.width - 1] }
        let late = target.fields.suffix(100).flatMap { [$0.offset, $0.offset + $0.width / 2] }
        let spread = stride(from: 0, to: header.count, by: max(1, header.count / 100))
        let cuts = Array(Set(early + late + spread + [header.count])).filter { $0 <= header.count }.sorted()
        let cutTally = Self.fuzz(cuts.count, name: "smollm-cut") { i in (Array(header.prefix(cuts[i])), "cut at \(cuts[i])") }
        XCTAssertEqual(cutTally.accepted, 0)
        let seed = GGUFFuzz.seed(ci: 135)
        let flips = Self.fuzz(GGUFFuzz.iterations(ci: 60), name: "smollm-flip") { i in
            GGUFFuzz.mutate(target, seed: GGUFFuzz.inputSeed(seed, i))
        }
        print("GGUFFuzz smollm2 header: cuts \(cutTally); mutations \(flips)")
    }
}

/// Cases the fuzz runs and the review of the reader found, one test each.
final class GGUFFuzzRegressionTests: XCTestCase {
    private func expectError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                             _ check: (GGUFError.Kind) -> Bool) {
        let path = GGUFFuzz.writeInput(bytes, name: "regression-\(getpid()).gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GGUFFile(path: path)
            XCTFail("expected an error", file: file, line: line)
        } catch {
            XCTAssertTrue(check(error.kind), "unexpected error: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("\(path): at byte "), "\(error)", file: file, line: line)
        }
    }

    /// A byte array as long as the file allows took ~24 bytes of memory per byte of file (one
    /// GGUFValue each): a corrupt count over a 500 MB model asked for 12 GB.
    func testByteArrayPastTheMetadataElementLimitIsRefusedBeforeAllocating() {
        var w = GGUFWriter()
        w.set("x", .array([.uint8(1)]))
        var bytes = w.serialized()
        let countOffset = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 4
        let count = UInt64(ByteCursor.maxMetadataElements + 1)
        for i in 0..<8 { bytes[countOffset + i] = UInt8(truncatingIfNeeded: count >> (8 * UInt64(i))) }
        bytes += [UInt8](repeating: 1, count: Int(count))
        expectError(bytes) { $0 == .tooManyMetadataElements(count: Int(count), limit: ByteCursor.maxMetadataElements) }
    }

    func testArraysNestedPastTheLimitAreRefused() {
        var value = GGUFValue.array([.uint8(1)])
        for _ in 0..<ByteCursor.maxNesting { value = .array([value]) }
        var w = GGUFWriter()
        w.set("deep", value)
        expectError(w.serialized()) { $0 == .nestingTooDeep(limit: ByteCursor.maxNesting) }
        var ok = GGUFValue.array([.uint8(1)])
        for _ in 0..<(ByteCursor.maxNesting - 2) { ok = .array([ok]) }
        var v = GGUFWriter()
        v.set("deep", ok)
        let path = GGUFFuzz.writeInput(v.serialized(), name: "regression-ok-\(getpid()).gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try GGUFFile(path: path).metadata["deep"], ok)
    }

    /// A key twice was read as its last value; llama.cpp refuses the file.
    func testDuplicateKeyIsRefused() {
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("general.architectur2", .string("qwen2"))
        var bytes = w.serialized()
        // Header (24), then the first entry: key (8 + 20), type (4), value (8 + 5); the second
        // key's last byte is 8 + 19 further.
        let lastByteOfSecondKey = 24 + (8 + 20 + 4 + 8 + 5) + 8 + 19
        XCTAssertEqual(bytes[lastByteOfSecondKey], UInt8(ascii: "2"))
        bytes[lastByteOfSecondKey] = UInt8(ascii: "e")
        expectError(bytes) { $0 == .duplicateKey("general.architecture") }
    }

    func testAlignmentThatIsHugeOrNotANumberIsRefused() {
        for (value, shown) in [(GGUFValue.uint64(1 << 62), "4611686018427387904"), (.string("32"), "of type string"),
                               (.int32(-32), "-32"), (.uint32(48), "48")] {
            var w = GGUFWriter()
            w.set("general.alignment", value)
            w.addTensor(name: "t", dimensions: [8], floats: [Float](repeating: 1, count: 8))
            expectError(w.serialized()) { $0 == .badAlignment(shown) }
        }
    }

    /// The element count of [2^31-1, 2^31-1, 2^31-1] overflows; the message said "row length is not
    /// a multiple of the block size".
    func testDimensionProductOverflowSaysSo() {
        var w = GGUFWriter()
        w.addTensor(name: "big", dimensions: [1, 1, 1], floats: [1])
        var bytes = w.serialized()
        let dims = 24 + 8 + 3 + 4
        for d in 0..<3 { for i in 0..<8 { bytes[dims + 8 * d + i] = i < 4 ? (i == 3 ? 0x7F : 0xFF) : 0 } }
        expectError(bytes) {
            if case .badTensorShape(tensor: "big", let why) = $0 { return why.contains("64 bits") }
            return false
        }
    }
}
