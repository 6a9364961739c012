import XCTest
import LSPProtocol
@testable import JSONRPC

final class MessageTests: XCTestCase {
    func parse(_ text: String) throws -> Message { try Message(body: Array(text.utf8)) }

    func testShapes() throws {
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
                       .request(id: .number(1), method: "shutdown", params: .null))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","method":"exit","params":{}}"#),
                       .notification(method: "exit", params: [:]))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":"a","result":null}"#),
                       .response(id: .string("a"), result: .null))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"no"}}"#),
                       .errorResponse(id: .number(3), error: .init(code: -32601, message: "no")))
    }

    func testRoundTrip() throws {
        let messages: [Message] = [
            .request(id: .number(1), method: "initialize", params: ["capabilities": [:]]),
            .notification(method: "initialized", params: [:]),
            .response(id: .string("x"), result: ["items": []]),
            .errorResponse(id: nil, error: .parseError("bad")),
        ]
        for m in messages { XCTAssertEqual(try Message(body: m.body), m) }
    }

    func testBadJSONIsParseError() {
        let body = Array(#"{"jsonrpc":"2.0","id": 17,"method":"x","params":{"#.utf8)
        XCTAssertThrowsError(try Message(body: body)) { error in
            XCTAssertEqual((error as? ResponseError)?.code, ResponseError.parseErrorCode)
            XCTAssertNil((error as? ResponseError)?.data, "no id is guessed from text that did not parse")
        }
    }

    /// JSON-RPC allows any number as an id; one that Int cannot hold exactly is no id: Invalid
    /// Request, addressed to null, never trapping and never rounded onto another request's id.
    func testIDsIntCannotHoldAreInvalidRequests() {
        for id in ["1e300", "9223372036854775808", "-9.3e18", "10.5", "1e19"] {
            XCTAssertThrowsError(try parse(#"{"jsonrpc":"2.0","id":\#(id),"method":"infill/status"}"#), id) { error in
                XCTAssertEqual((error as? ResponseError)?.code, ResponseError.invalidRequestCode, id)
                XCTAssertNil((error as? ResponseError)?.data, id)
            }
        }
        XCTAssertEqual(try parse(#"{"id":-9223372036854775808,"method":"m"}"#), .request(id: .number(Int.min), method: "m", params: .null))
        XCTAssertEqual(try parse(#"{"id":1e3,"method":"m"}"#), .request(id: .number(1000), method: "m", params: .null))
    }

    func testBadShapeIsInvalidRequestWithID() {
        for text in [#"{"id":4,"method":5}"#, #"{"id":4,"method":"m","params":3}"#, #"{"id":4}"#, "[]"] {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? ResponseError)?.code, ResponseError.invalidRequestCode, text)
            }
        }
    }

    func testTypedConstruction() throws {
        let m = try Message.request(ShutdownRequest(), id: .number(2))
        XCTAssertEqual(m, .request(id: .number(2), method: "shutdown", params: .null))
        let n = try Message.notification(CancelRequestNotification(id: .number(2)))
        XCTAssertEqual(n, .notification(method: "$/cancelRequest", params: ["id": 2]))
    }
}
