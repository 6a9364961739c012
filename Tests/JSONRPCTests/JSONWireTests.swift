import XCTest
import LSPProtocol
@testable import JSONRPC

final class JSONWireTests: XCTestCase {
    func testRoundTripThroughJsoncpp() throws {
        let value: JSONValue = [
            "ascii": "hello", "escapes": "quote\" backslash\\ tab\t newline\n cr\r nul\u{0}",
            "unicode": "héllo 世界 🙂👩‍👩‍👧 \u{1F600}", "int": 9_007_199_254_740_993, "negative": -42,
            "double": 0.1, "big": 1.5e300, "bool": true, "null": nil, "array": [1, [2, [3, []]], [:]],
            "": "empty key", "ключ": "non-ASCII key",
        ]
        let text = value.serialized()
        XCTAssertEqual(try JSONValue(parsing: text), value)
    }

    func testOutputIsCompactUTF8() throws {
        let text = String(decoding: JSONValue.object(["a": "🙂", "b": [1, 2]]).serialized(), as: UTF8.self)
        XCTAssertEqual(text, #"{"a":"🙂","b":[1,2]}"#)
    }

    func testEscapedSurrogatePairsDecode() throws {
        XCTAssertEqual(try JSONValue(parsing: Array(#"["\ud83d\ude00", "\u00e9"]"#.utf8)), ["😀", "é"])
    }

    /// A lone surrogate escape (an editor's buffer cut inside an emoji) would make jsoncpp refuse
    /// the whole message; it reads as U+FFFD, one UTF-16 unit like the surrogate it stands for.
    func testLoneSurrogatesBecomeReplacementCharacters() throws {
        XCTAssertEqual(try JSONValue(parsing: Array(#"["a\ud83db", "\ude00", "\ud83d\u0041", "\\ud83d"]"#.utf8)),
                       ["a\u{FFFD}b", "\u{FFFD}", "\u{FFFD}A", "\\ud83d"])
    }

    /// `[0,0,0,…]` is refused before jsoncpp builds a tree 20 times its size.
    func testMessagesWithTooManyValuesAreRefused() {
        let zeros = "[" + String(repeating: "0,", count: JSONValue.maxValues) + "0]"
        XCTAssertThrowsError(try JSONValue(parsing: Array(zeros.utf8))) { error in
            XCTAssertTrue("\(error)".contains("values"), "\(error)")
        }
        let text = #"{"text":""# + String(repeating: "0,", count: JSONValue.maxValues) + #""}"#
        XCTAssertNoThrow(try JSONValue(parsing: Array(text.utf8)), "commas inside a string are not values")
    }

    func testIntegersStayIntegers() throws {
        XCTAssertEqual(try JSONValue(parsing: Array("[1, -1, 1.0, 1e2, 9223372036854775807]".utf8)),
                       [.int(1), .int(-1), .double(1), .double(100), .int(Int.max)])
    }

    func testInvalidJSONSaysWhere() {
        for bad in ["{", #"{"a":}"#, "[1,]", "{} trailing", "", #"{"a": 1 // comment"#, "nul"] {
            XCTAssertThrowsError(try JSONValue(parsing: Array(bad.utf8)), bad) { error in
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
    }

    func testDeepNestingIsRejectedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONValue(parsing: Array(deep.utf8)))
    }
}
