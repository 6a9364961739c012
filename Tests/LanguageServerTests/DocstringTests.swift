import LSPProtocol
import XCTest
@testable import LanguageServer

/// Placement and formatting per language, from the function at or around the cursor.
final class DocstringTests: XCTestCase {
    /// Locates the function around marker 1️⃣, feeds `middle` as the model's answer and returns the
    /// document with the edit applied.
    func apply(_ language: String, _ marked: String, middle: String) throws -> String? {
        let (text, positions) = extractMarkers(marked)
        let document = Document(uri: "u", languageId: language, version: 1, text: text)
        let lines = (0..<document.lineCount).map(document.lineText)
        guard let site = Docstrings.locate(lines: lines, cursorLine: positions["1️⃣"]!.line, languageId: language) else { return nil }
        let (prefix, suffix, _) = Docstrings.prompt(document: document, site: site)
        XCTAssertEqual(prefix.count + suffix.count > text.count, true)
        guard let edit = Docstrings.edit(middle: middle, site: site, document: document, encoding: .utf16) else { return nil }
        var edited = document
        edited.apply(.init(range: edit.range, text: edit.newText), encoding: .utf16)
        return edited.text
    }

    func testPythonInsideAfterMultiLineSignature() throws {
        let out = try apply("python", "class A:\n    async def run(\n        self, x: int,\n    ) -> int:  # note\n        y = 1️⃣x\n        return y\n",
                            middle: "Run it.\n\nReturns x.\n")
        XCTAssertEqual(out, "class A:\n    async def run(\n        self, x: int,\n    ) -> int:  # note\n        \"\"\"Run it.\n\n        Returns x.\n        \"\"\"\n        y = x\n        return y\n")
    }

    func testPythonSkipsFunctionsThatHaveOne() throws {
        XCTAssertNil(try apply("python", "def f():\n    \"\"\"Doc.\"\"\"\n    1️⃣pass\n", middle: "x"))
    }

    func testSwiftAboveAttributes() throws {
        let out = try apply("swift", "    @discardableResult\n    static func 1️⃣make() -> Int { 1 }\n", middle: "Makes one.")
        XCTAssertEqual(out, "    /// Makes one.\n    @discardableResult\n    static func make() -> Int { 1 }\n")
    }

    func testRustGoLua() throws {
        XCTAssertEqual(try apply("rust", "#[inline]\npub fn add(a: i32) -> i32 {\n    a1️⃣\n}\n", middle: "Adds.\n/// More.\nfn x"),
                       "/// Adds.\n/// More.\n#[inline]\npub fn add(a: i32) -> i32 {\n    a\n}\n")
        XCTAssertEqual(try apply("go", "func (s *S) Run() error {\n\treturn nil1️⃣\n}\n", middle: "Run runs."),
                       "// Run runs.\nfunc (s *S) Run() error {\n\treturn nil\n}\n")
        XCTAssertEqual(try apply("lua", "local function f(x)\n  return 1️⃣x\nend\n", middle: "Identity."),
                       "--- Identity.\nlocal function f(x)\n  return x\nend\n")
    }

    func testBlockCommentLanguages() throws {
        let js = try apply("javascript", "1️⃣\nexport async function load(url) {\n  return fetch(url);\n}\n", middle: "Loads a URL.\n * @param url where\n */ junk")
        XCTAssertEqual(js, "\n/**\n * Loads a URL.\n * @param url where\n */\nexport async function load(url) {\n  return fetch(url);\n}\n")
        let java = try apply("java", "class A {\n    @Override\n    public int size() {\n        return 1️⃣n;\n    }\n}\n", middle: "The size.")
        XCTAssertEqual(java, "class A {\n    /**\n     * The size.\n     */\n    @Override\n    public int size() {\n        return n;\n    }\n}\n")
        let c = try apply("c", "static int\nadd(int a, int b)\n{\n    return a + b;1️⃣\n}\n", middle: "Adds.")
        XCTAssertEqual(c, "static int\n/**\n * Adds.\n */\nadd(int a, int b)\n{\n    return a + b;\n}\n")
        let ts = try apply("typescript", "const twice = (x: number): number =>1️⃣ x * 2;\n", middle: "Doubles.")
        XCTAssertEqual(ts, "/**\n * Doubles.\n */\nconst twice = (x: number): number => x * 2;\n")
    }

    func testControlFlowIsNotAFunction() throws {
        XCTAssertNil(try apply("c", "if (x) {\n  y1️⃣();\n}\n", middle: "x"))
    }

    func testCRLFDocumentsGetCRLF() throws {
        XCTAssertEqual(try apply("go", "func F() {\r\n\t1️⃣\r\n}\r\n", middle: "F does it."), "// F does it.\r\nfunc F() {\r\n\t\r\n}\r\n")
    }
}
