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
