import Foundation
import XCTest
@testable import GGUF

final class GGUFReaderTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "gguf-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ bytes: [UInt8], name: String = "model.gguf") throws -> String {
        let path = "\(directory!)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func sampleWriter() -> GGUFWriter {
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("llama.block_count", .uint32(2))
        w.set("llama.rope.freq_base", .float32(10000))
        w.set("general.flag", .bool(true))
        w.set("test.int64", .int64(-5))
        w.set("test.float64", .float64(0.25))
        w.set("tokenizer.ggml.tokens", .array([.string("<s>"), .string("a"), .string("<|fim_prefix|>")]))
        w.set("test.nested", .array([.array([.uint8(1), .uint8(2)]), .array([.uint8(3)])]))
        w.addTensor(name: "a", dimensions: [4, 2], floats: [1, 2, 3, 4, 5, 6, 7, 8])
        w.addTensor(name: "b", dimensions: [32], type: .q8_0, data: [UInt8](repeating: 7, count: 34))
        return w
    }

    private func expectError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                             _ check: (GGUFError.Kind) -> Bool) throws {
        let path = try write(bytes)
        do {
            _ = try GGUFFile(path: path)
            XCTFail("expected an error", file: file, line: line)
        } catch {
            XCTAssertTrue(check(error.kind), "unexpected error: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(path), "message must name the file", file: file, line: line)
        }
    }

    func testRoundTripsMetadataAndTensors() throws {
        let path = try write(sampleWriter().serialized())
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.architecture, "llama")
        XCTAssertEqual(file.int("llama.block_count"), 2)
        XCTAssertEqual(file.float("llama.rope.freq_base"), 10000)
        XCTAssertEqual(file.bool("general.flag"), true)
        XCTAssertEqual(file.int("test.int64"), -5)
        XCTAssertEqual(file.float("test.float64"), 0.25)
        XCTAssertEqual(file.stringArray("tokenizer.ggml.tokens"), ["<s>", "a", "<|fim_prefix|>"])
        XCTAssertEqual(file.metadata["test.nested"], .array([.array([.uint8(1), .uint8(2)]), .array([.uint8(3)])]))
        XCTAssertEqual(file.metadataKeys.first, "general.architecture")
        let a = try XCTUnwrap(file.tensor(named: "a"))
        XCTAssertEqual(a.dimensions, [4, 2])
        XCTAssertEqual(a.type, .f32)
        XCTAssertEqual(a.offset % 32, 0)
        let floats = file.bytes(of: a).bindMemory(to: Float.self)
        XCTAssertEqual(Array(floats), [1, 2, 3, 4, 5, 6, 7, 8])
        let b = try XCTUnwrap(file.tensor(named: "b"))
        XCTAssertEqual(b.byteCount, 34)
        XCTAssertEqual(file.bytes(of: b).first, 7)
    }

    func testReadsVersion2AndCustomAlignment() throws {
        var w = sampleWriter()
        w.version = 2
        w.alignment = 64
        let file = try GGUFFile(path: try write(w.serialized()))
        XCTAssertEqual(file.version, 2)
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.tensor(named: "b")!.offset % 64, 0)
    }

    func testRejectsWrongMagic() throws {
        var bytes = sampleWriter().serialized()
        bytes[0] = UInt8(ascii: "X")
        try expectError(bytes) { if case .badMagic = $0 { return true }; return false }
    }

    func testRejectsUnsupportedVersion() throws {
        var bytes = sampleWriter().serialized()
        bytes[4] = 9
        try expectError(bytes) { $0 == .unsupportedVersion(9) }
    }

    func testRejectsEveryTruncation() throws {
        let bytes = sampleWriter().serialized()
        let file = try GGUFFile(path: try write(bytes, name: "full.gguf"))
        // Every cut inside the header, metadata or tensor directory is a clean error.
        for cut in stride(from: 0, to: file.dataOffset, by: 3) {
            let path = try write(Array(bytes.prefix(cut)), name: "cut.gguf")
            XCTAssertThrowsError(try GGUFFile(path: path), "cut at \(cut)")
        }
        // A cut inside tensor data (past the 30 padding bytes after "b") is reported as out-of-bounds for that tensor.
        try expectError(Array(bytes.prefix(bytes.count - 40))) {
            if case .tensorOutOfBounds = $0 { return true }; return false
        }
    }

    func testRejectsAbsurdCounts() throws {
        var bytes = sampleWriter().serialized()
        // Tensor count: u64 at offset 8.
        for i in 8..<16 { bytes[i] = 0xFF }
        try expectError(bytes) { if case .absurdCount(what: "tensor", _) = $0 { return true }; return false }
    }

    func testRejectsAbsurdStringLength() throws {
        var bytes = sampleWriter().serialized()
        // First key's length: u64 at offset 24.
        for i in 24..<32 { bytes[i] = 0x7F }
        try expectError(bytes) { if case .badString = $0 { return true }; return false }
    }

    func testRejectsHugeArrayWithoutAllocating() throws {
        var w = GGUFWriter()
        w.set("x", .array([.uint32(1)]))
        var bytes = w.serialized()
        // Layout: magic, version, n_tensors, n_kv, key len (8) + "x", type u32, elem type u32, count u64.
        let countOffset = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 4
        for i in countOffset..<(countOffset + 8) { bytes[i] = 0xFF }
        bytes[countOffset + 7] = 0x0F
        try expectError(bytes) { if case .absurdCount(what: "array element", _) = $0 { return true }; return false }
    }

    func testRejectsUnknownValueType() throws {
        var w = GGUFWriter()
        w.set("x", .uint32(1))
        var bytes = w.serialized()
        bytes[4 + 4 + 8 + 8 + 8 + 1] = 99
        try expectError(bytes) { $0 == .badValueType(99) }
    }

    func testRejectsUnknownTensorType() throws {
        var w = GGUFWriter()
        w.addTensor(name: "t", dimensions: [4], floats: [1, 2, 3, 4])
        var bytes = w.serialized()
        // name len + "t", n_dims, dim, then the type.
        let typeOffset = 24 + 8 + 1 + 4 + 8
        bytes[typeOffset] = 77
        try expectError(bytes) { $0 == .unknownTensorType(tensor: "t", type: 77) }
    }

    func testRejectsOutOfBoundsAndOverlappingTensors() throws {
        var w = GGUFWriter()
        w.addTensor(name: "t", dimensions: [8], floats: [Float](repeating: 1, count: 8))
        w.addTensor(name: "u", dimensions: [8], floats: [Float](repeating: 2, count: 8))
        let bytes = w.serialized()
        let tensorOffsetOfU = 24 + (8 + 1 + 4 + 8 + 4 + 8) + (8 + 1 + 4 + 8 + 4)
        var overlapping = bytes
        overlapping[tensorOffsetOfU] = 0  // u now starts where t starts
        try expectError(overlapping) { $0 == .tensorsOverlap("t", "u") || $0 == .tensorsOverlap("u", "t") }
        var outside = bytes
        outside[tensorOffsetOfU + 2] = 0x10  // far past the end
        try expectError(outside) { $0 == .tensorOutOfBounds(tensor: "u") }
    }

    func testRejectsBadShapeAndDuplicates() throws {
        var w = GGUFWriter()
        w.addTensor(name: "q", dimensions: [16], type: .q8_0, data: [UInt8](repeating: 0, count: 34))
        try expectError(w.serialized()) { if case .badTensorShape(tensor: "q", _) = $0 { return true }; return false }
        var d = GGUFWriter()
        d.addTensor(name: "x", dimensions: [1], floats: [1])
        d.addTensor(name: "x", dimensions: [1], floats: [2])
        try expectError(d.serialized()) { $0 == .duplicateTensor("x") }
    }

    func testMissingFileIsAClearError() {
        XCTAssertThrowsError(try GGUFFile(path: "/nonexistent/model.gguf")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/model.gguf"))
        }
    }

    func testSummaryFindsFIMTokensByText() throws {
        let file = try GGUFFile(path: try write(sampleWriter().serialized()))
        let summary = ModelSummary(file)
        XCTAssertEqual(summary.fimTokens.first?.role, "prefix")
        XCTAssertEqual(summary.fimTokens.first?.id, 2)
        XCTAssertEqual(summary.tensorCount, 2)
    }

    func testTypeTableMatchesGGMLBlockSizes() {
        // Bytes per block from ggml-common.h's static asserts.
        let expected: [GGMLType: (Int, Int)] = [
            .f32: (1, 4), .f16: (1, 2), .bf16: (1, 2), .q4_0: (32, 18), .q4_1: (32, 20), .q5_0: (32, 22),
            .q5_1: (32, 24), .q8_0: (32, 34), .q4_K: (256, 144), .q5_K: (256, 176), .q6_K: (256, 210),
            .q8_K: (256, 292), .q2_K: (256, 84), .q3_K: (256, 110),
        ]
        for (type, (size, bytes)) in expected {
            XCTAssertEqual(type.blockSize, size, "\(type)")
            XCTAssertEqual(type.blockBytes, bytes, "\(type)")
        }
        XCTAssertNil(GGMLType.q8_0.rowBytes(33))
        XCTAssertEqual(GGMLType.q4_K.rowBytes(512), 288)
    }
}
