import XCTest
@testable import Tokenizer

/// Pre-tokenizer pieces of 40 KB to 1 MB: merged with the heap in O(n log n), giving the tokens the
/// quadratic scan (llama.cpp's order of merges, kept for short words) gives where it can run.
final class LongPieceTests: XCTestCase {
    /// 10,000 emoji (one piece), a 100 KB identifier without spaces (one piece) and 1 MB of `1, `.
    static func inputs() -> [(name: String, text: String)] {
        var state: UInt64 = 7
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let identifier = String((0..<100_000).map { _ -> Character in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return letters[Int(state >> 33) % letters.count]
        })
        let emoji = ["😀", "🐍", "👍🏽", "❤️", "🧑‍💻"]
        return [
            ("emoji", (0..<10_000).map { emoji[($0 * 3 + $0 / 7) % emoji.count] }.joined()),
            ("identifier", identifier),
            ("ones", String(repeating: "1, ", count: 350_000)),
        ]
    }

    func testLongPiecesRoundTrip() throws {
        let qwen = try TestData.model("qwen2.5-coder-0.5b")
        for (name, text) in Self.inputs() {
            let ids = qwen.encode(text)
            XCTAssertEqual(qwen.decode(ids), text, name)
            XCTAssertLessThanOrEqual(ids.count, text.utf8.count, name)
        }
        // Digits are single tokens, and so are "," and " ".
        XCTAssertEqual(qwen.encode(String(repeating: "1, ", count: 350_000)).count, 1_050_000)
    }

    /// The heap and the scan agree on the start of each long piece, up to lengths the scan can run.
    func testHeapMatchesTheScanOnLongPieces() throws {
        let qwen = try TestData.model("qwen2.5-coder-0.5b")
        var merger = BPEMerger()
        for (name, text) in Self.inputs() {
            let bytes = Array(text.utf8)
            for length in [25, 100, 1_000, 4_000] {
                let initial = bytes[..<length].map { qwen.byteSymbols[Int($0)] }
                var scanned = initial
                BPEMerger.mergeByScanning(&scanned, qwen.merges)
                var heaped = initial
                merger.mergeWithHeap(&heaped, qwen.merges)
                XCTAssertEqual(heaped, scanned, "\(name), \(length) bytes")
            }
            // The whole piece: the heap's symbols spell it.
            var whole = bytes.map { qwen.byteSymbols[Int($0)] }
            merger.merge(&whole, using: qwen.merges)
            var spelled: [UInt8] = []
            for symbol in whole { ByteLevel.decode(qwen.symbols.bytes(symbol), into: &spelled) }
            XCTAssertEqual(spelled, bytes, name)
        }
    }
}
