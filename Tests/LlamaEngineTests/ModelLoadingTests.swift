import XCTest
@testable import LlamaEngine

final class ModelLoadingTests: XCTestCase {
    private func loadError(_ path: String) -> String {
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try LlamaModel(path: path)
            return "(loaded)"
        } catch {
            return "\(error)"
        }
    }

    func testConfigFromMetadata() throws {
        var shape = TinyModel.Shape()
        shape.architecture = "qwen2"
        shape.ropeBase = 1e6
        let path = try TinyModel.write(shape)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try LlamaModel(path: path).config
        XCTAssertEqual(c.architecture, .qwen2)
        XCTAssertEqual(c.layerCount, 2)
        XCTAssertEqual(c.dim, 64)
        XCTAssertEqual(c.hiddenDim, 96)
        XCTAssertEqual(c.headCount, 4)
        XCTAssertEqual(c.kvHeadCount, 2)
        XCTAssertEqual(c.kvDim, 32)
        XCTAssertEqual(c.vocabSize, 50)
        XCTAssertEqual(c.ropeBase, 1e6)
        XCTAssertEqual(c.ropeStyle, .neox)
        XCTAssertTrue(c.hasQKVBias)
    }

    func testMissingTensorIsNamed() throws {
        let message = loadError(try TinyModel.write(omit: "blk.1.ffn_up.weight"))
        XCTAssertTrue(message.contains("'blk.1.ffn_up.weight' is missing"), message)
    }

    func testMissingQwenBiasIsNamed() throws {
        var shape = TinyModel.Shape()
        shape.architecture = "qwen2"
        let message = loadError(try TinyModel.write(shape, omit: "blk.0.attn_k.bias"))
        XCTAssertTrue(message.contains("'blk.0.attn_k.bias' is missing"), message)
    }

    func testWrongShapeIsNamed() throws {
        let message = loadError(try TinyModel.write(reshape: "blk.0.attn_v.weight"))
        XCTAssertTrue(message.contains("'blk.0.attn_v.weight' has shape [65, 33], expected [64, 32]"), message)
    }

    func testUnsupportedArchitectureListsSupportedOnes() throws {
        var shape = TinyModel.Shape()
        shape.architecture = "gpt2"
        let message = loadError(try TinyModel.write(shape))
        XCTAssertTrue(message.contains("architecture 'gpt2' is not supported; supported: llama, qwen2"), message)
    }

    func testUnknownModelNameSaysWhatToDo() {
        let message = loadError("/nonexistent/model.gguf")
        XCTAssertTrue(message.contains("does not exist"), message)
        XCTAssertTrue(message.contains("qwen2.5-coder-1.5b"), message)
    }
}
