import XCTest
@testable import Completion

final class LineSlicingTests: XCTestCase {
    /// Lines are cut at "\n" bytes: characters of several scalars (a combining accent, an emoji ZWJ
    /// sequence) stay whole, and a last line without its "\n" is a line too.
    func testLinesKeepTheirLineBreaksAndWholeCharacters() {
        let text = "a\u{301}\nb\n\u{1F600}\u{200D}\u{1F600}\n\nlast"
        XCTAssertEqual(LineSlicing.lines(text).map(String.init), ["a\u{301}\n", "b\n", "\u{1F600}\u{200D}\u{1F600}\n", "\n", "last"])
        XCTAssertEqual(LineSlicing.lines("x\n").map(String.init), ["x\n"])
        XCTAssertEqual(LineSlicing.lines(""), [])
    }

    func testHeadLeavingOutLinesAndLinesAfterAgree() throws {
        let suffix = "rest\none\ntwo\nthree"
        for left in 0..<4 {
            let head = try XCTUnwrap(LineSlicing.head(of: suffix, leavingOut: left))
            XCTAssertEqual(LineSlicing.linesAfter(head, in: suffix), left)
        }
        XCTAssertEqual(LineSlicing.head(of: suffix, leavingOut: 1).map(String.init), "rest\none\ntwo\n")
        XCTAssertNil(LineSlicing.head(of: suffix, leavingOut: 4), "the cursor line stays")
        let ended = "x\ny\nz\n"
        for cut in 0...ended.count {
            let head = ended.prefix(cut)
            XCTAssertEqual(LineSlicing.linesAfter(head, in: ended), LineSlicing.lines(String(ended.dropFirst(cut))).count)
        }
    }
}
