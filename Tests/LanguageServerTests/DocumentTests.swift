import InfillTestSupport
import LSPProtocol
import XCTest
@testable import LanguageServer

final class DocumentTests: XCTestCase {
    func testPositionsInEachEncoding() {
        // "a😀é世" : a=1 byte, 😀=4 bytes/2 UTF-16 units, é=2 bytes, 世=3 bytes.
        let doc = Document(uri: "u", languageId: "x", version: 1, text: "a😀é世b\nline2")
        let b = 1 + 4 + 2 + 3
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 5), encoding: .utf16), b)
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: b), encoding: .utf8), b)
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 4), encoding: .utf32), b)
        XCTAssertEqual(doc.position(of: b, encoding: .utf16), Position(line: 0, character: 5))
        XCTAssertEqual(doc.position(of: b, encoding: .utf8), Position(line: 0, character: 10))
        XCTAssertEqual(doc.position(of: b, encoding: .utf32), Position(line: 0, character: 4))
        // Inside the surrogate pair / inside a multi-byte scalar: round down to its start.
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 2), encoding: .utf16), 1)
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 3), encoding: .utf8), 1)
    }

    func testClampingAsTheSpecSays() {
        let doc = Document(uri: "u", languageId: "x", version: 1, text: "abc\r\nde\n")
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 99), encoding: .utf16), 3, "before the CRLF")
        XCTAssertEqual(doc.offset(of: Position(line: 1, character: 99), encoding: .utf16), 7)
        XCTAssertEqual(doc.offset(of: Position(line: 2, character: 5), encoding: .utf16), 8, "last, empty line")
        XCTAssertEqual(doc.offset(of: Position(line: 50, character: 0), encoding: .utf16), 8, "past the end")
        XCTAssertEqual(doc.offset(of: Position(line: -1, character: 0), encoding: .utf16), 0)
    }

    func testLineEndings() {
        let doc = Document(uri: "u", languageId: "x", version: 1, text: "a\rb\r\nc\nd")
        XCTAssertEqual(doc.lineCount, 4)
        XCTAssertEqual((0..<4).map(doc.lineText), ["a", "b", "c", "d"])
        XCTAssertEqual(Document(uri: "u", languageId: "x", version: 1, text: "a\r\nb\r\n").lineEnding, "\r\n")
        XCTAssertEqual(Document(uri: "u", languageId: "x", version: 1, text: "a\rb\r").lineEnding, "\r")
    }

    func testEditJoiningCRAndLF() {
        var doc = Document(uri: "u", languageId: "x", version: 1, text: "a\rb")
        doc.apply(.init(range: Range(start: .init(line: 1, character: 0), end: .init(line: 1, character: 1)), text: "\n"),
                  encoding: .utf16)
        XCTAssertEqual(doc.text, "a\r\n")
        XCTAssertEqual(doc.lineCount, 2)
    }

    /// Thousands of random edits (emoji, CJK, combining marks, all three line endings) applied both
    /// to `Document` and to a naive model working on arrays of scalars; texts must agree throughout.
    func testRandomEditsAgainstReferenceModel() {
        let pieces = ["a", "xyz", " ", "😀", "👩‍👩‍👧", "世界", "é", "e\u{301}", "\n", "\r\n", "\r", "\t", "𝄞", "", "∑"]
        for encoding in [PositionEncodingKind.utf16, .utf8, .utf32] {
            var rng = SplitMix64(seed: 0x5eed + UInt64(encoding.rawValue.count))
            var model = ReferenceText(scalars: Array("start 😀\r\nsecond 世界\nthird".unicodeScalars))
            var doc = Document(uri: "u", languageId: "x", version: 0, text: model.string)
            for step in 0..<(3000 * ProtocolFuzzTests.scale) {
                let change: TextDocumentContentChangeEvent
                let insert = (0..<Int(rng.next() % 4)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
                if step % 500 == 499 {
                    change = .init(text: insert + "full")
                } else {
                    // Positions sometimes out of range, to exercise clamping.
                    let lines = model.lineCount
                    func randomPosition() -> Position {
                        // Now and then a position a hostile client sends.
                        if rng.next() % 50 == 0 {
                            let wild = [Int.max, Int.min, -1, 1 << 40]
                            return Position(line: wild[Int(rng.next() % 4)], character: wild[Int(rng.next() % 4)])
                        }
                        let line = Int(rng.next() % UInt64(lines + 1))
                        let width = line < lines ? model.width(line: line, encoding) : 0
                        return Position(line: line, character: Int(rng.next() % UInt64(width + 3)))
                    }
                    var a = randomPosition(), b = randomPosition()
                    if b < a { swap(&a, &b) }
                    change = .init(range: Range(start: a, end: b), text: insert)
                }
                model.apply(change, encoding)
                doc.apply(change, encoding: encoding)
                if doc.text != model.string {
                    XCTFail("\(encoding) step \(step): \(change)\nwant \(model.string.debugDescription)\ngot  \(doc.text.debugDescription)")
                    return
                }
                XCTAssertEqual(doc.lineStarts, Document.computeLineStarts(doc.bytes), "incremental line table, step \(step)")
            }
        }
        print("document store edits: \(3 * 3000 * ProtocolFuzzTests.scale) random edits in 3 encodings, 0 mismatches")
    }
}

/// The reference: text as an array of scalars, positions found by walking from the start.
struct ReferenceText {
    var scalars: [Unicode.Scalar]
    var string: String { var s = ""; s.unicodeScalars.append(contentsOf: scalars); return s }

    /// Scalar index ranges of line contents (without breaks).
    var lines: [Swift.Range<Int>] {
        var result: [Swift.Range<Int>] = []
        var start = 0, i = 0
        while i < scalars.count {
            if scalars[i] == "\n" { result.append(start..<i); start = i + 1 }
            else if scalars[i] == "\r" {
                result.append(start..<i)
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                start = i + 1
            }
            i += 1
        }
        result.append(start..<scalars.count)
        return result
    }

    var lineCount: Int { lines.count }

    static func units(_ s: Unicode.Scalar, _ e: PositionEncodingKind) -> Int {
        switch e {
        case .utf8: return String(s).utf8.count
        case .utf16: return s.value > 0xFFFF ? 2 : 1
        case .utf32: return 1
        }
    }

    func width(line: Int, _ e: PositionEncodingKind) -> Int {
        lines[line].reduce(0) { $0 + Self.units(scalars[$1], e) }
    }

    func index(_ p: Position, _ e: PositionEncodingKind) -> Int {
        let lines = self.lines
        if p.line < 0 { return 0 }
        if p.line >= lines.count { return scalars.count }
        var remaining = p.character
        for i in lines[p.line] {
            let u = Self.units(scalars[i], e)
            if u > remaining { return i }
            remaining -= u
        }
        return lines[p.line].upperBound
    }

    mutating func apply(_ change: TextDocumentContentChangeEvent, _ e: PositionEncodingKind) {
        guard let r = change.range else { scalars = Array(change.text.unicodeScalars); return }
        let a = index(r.start, e), b = index(r.end, e)
        scalars.replaceSubrange(min(a, b)..<max(a, b), with: change.text.unicodeScalars)
    }
}
