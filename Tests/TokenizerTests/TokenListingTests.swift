import XCTest
@testable import Tokenizer

/// `infill tokenize`'s output: every piece one visible line.
final class TokenListingTests: XCTestCase {
    func testEscapesWhitespaceQuotesAndBytesThatAreNotWholeCharacters() {
        XCTAssertEqual(Tokenizer.escaped(Array(" def".utf8)), " def")
        XCTAssertEqual(Tokenizer.escaped(Array("\t\"a\\b\"\r\n".utf8)), "\\t\\\"a\\\\b\\\"\\r\\n")
        XCTAssertEqual(Tokenizer.escaped(Array("é中🦀".utf8)), "é中🦀")
        XCTAssertEqual(Tokenizer.escaped([0x00, 0x1B, 0x7F]), "\\x00\\x1B\\x7F")
        // Part of a character (byte-level BPE splits rare ones), and invisible characters.
        XCTAssertEqual(Tokenizer.escaped([0xE2, 0x80]), "\\xE2\\x80")
        XCTAssertEqual(Tokenizer.escaped(Array("\u{2028}\u{00A0}".utf8)), "\\xE2\\x80\\xA8\\xC2\\xA0")
    }

    func testListsIdsAndPiecesWithSpecialTokensParsedOnlyWhenAsked() throws {
        let t = try TestData.model("qwen2.5-coder-0.5b")
        let text = "<|fim_prefix|>def f():\n\treturn 1"
        XCTAssertEqual(t.listing(t.encode(text, parseSpecial: true)), """
            151659\t"<|fim_prefix|>"
            750\t"def"
            282\t" f"
            3932\t"():\\n"
            853\t"\\treturn"
            220\t" "
            16\t"1"

            """)
        XCTAssertFalse(t.listing(t.encode(text)).contains("151659"))
        XCTAssertEqual(t.listing([]), "")
    }
}
