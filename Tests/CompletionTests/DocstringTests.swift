import XCTest
@testable import Completion

final class DocstringTests: XCTestCase {
    /// `1️⃣` marks the cursor line in the sources below.
    func cursor(_ source: String) -> (text: String, line: Int) {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.firstIndex { $0.contains("1️⃣") }!
        return (source.replacing("1️⃣", with: ""), line)
    }

    func testPythonDocstringInsideAfterMultiLineSignature() throws {
        let (text, line) = cursor("""
        import math

        class Shape:
            def area(self,
                     r: float) -> float:
                return math.pi * r1️⃣ * r

            def other(self):
                pass
        """)
        let plan = try XCTUnwrap(DocstringPlan.plan(in: text, line: line, language: .python))
        XCTAssertEqual(plan.site.name, "area")
        XCTAssertEqual(plan.site.signatureEndLine, 4)
        XCTAssertEqual(plan.insertionLine, 5)
        XCTAssertTrue(plan.prefix.hasSuffix("r: float) -> float:\n        \"\"\""))
        XCTAssertTrue(plan.suffix.hasPrefix("\"\"\"\n        return math.pi"))
        XCTAssertEqual(plan.stopStrings, ["\"\"\""])
        XCTAssertEqual(plan.edit(forMiddle: "Area of a circle of radius r.\"\"\"\n        return"),
                       "        \"\"\"Area of a circle of radius r.\"\"\"\n")
        XCTAssertEqual(plan.edit(forMiddle: "Area.\n\n    Args:\n        r: radius\n    "),
                       "        \"\"\"Area.\n\n        Args:\n            r: radius\n        \"\"\"\n")
        XCTAssertNil(plan.edit(forMiddle: "  \n"))
    }

    func testSwiftAndRustTripleSlashAboveAttributes() throws {
        let (swift, swiftLine) = cursor("""
        struct S {
            @discardableResult
            func add(_ a: Int, _ b: Int) -> Int {
                a +1️⃣ b
            }
        }
        """)
        let plan = try XCTUnwrap(DocstringPlan.plan(in: swift, line: swiftLine, language: .swift))
        XCTAssertEqual(plan.site.name, "add")
        XCTAssertEqual(plan.insertionLine, 1, "above the attribute")
        XCTAssertTrue(plan.prefix.hasSuffix("struct S {\n    /// "))
        XCTAssertTrue(plan.suffix.hasPrefix("\n    @discardableResult"))
        XCTAssertEqual(plan.edit(forMiddle: "Adds two numbers.\n    /// - Returns: the sum\n    @discardableResult"),
                       "    /// Adds two numbers.\n    /// - Returns: the sum\n")
        XCTAssertTrue(plan.shouldStop(generatedSoFar: "Adds.\n    func"))
        XCTAssertFalse(plan.shouldStop(generatedSoFar: "Adds.\n    //"))

        let (rust, rustLine) = cursor("#[inline]\npub fn twice(x: i32) -> i32 {\n    x * 21️⃣\n}\n")
        let rustPlan = try XCTUnwrap(DocstringPlan.plan(in: rust, line: rustLine, language: .rust))
        XCTAssertEqual(rustPlan.site.name, "twice")
        XCTAssertEqual(rustPlan.insertionLine, 0)
        XCTAssertEqual(rustPlan.edit(forMiddle: "Doubles `x`."), "/// Doubles `x`.\n")
    }

    func testGoCommentStartsWithTheName() throws {
        let (text, line) = cursor("package m\n\nfunc (s *Server) Handle(w http.ResponseWriter) {\n\t1️⃣s.n++\n}\n")
        let plan = try XCTUnwrap(DocstringPlan.plan(in: text, line: line, language: .go))
        XCTAssertEqual(plan.site.name, "Handle")
        XCTAssertTrue(plan.prefix.hasSuffix("\n// Handle "))
        XCTAssertEqual(plan.edit(forMiddle: "serves one request."), "// Handle serves one request.\n")
    }

    func testBlockCommentLanguages() throws {
        let cases: [(DocLanguage, String, String)] = [
            (.javascript, "export async function load(url) {\n  1️⃣return fetch(url);\n}\n", "load"),
            (.typescript, "class A {\n  private parse(input: string): number {\n    return 1️⃣0;\n  }\n}\n", "parse"),
            (.java, "public class A {\n    public static int sum(int[] xs) {\n        int s = 0;1️⃣\n        return s;\n    }\n}\n", "sum"),
            (.c, "static int\nclamp(int x, int lo, int hi)\n{\n    return x < lo ? lo : x;1️⃣\n}\n", "clamp"),
            (.cpp, "int Widget::size() const {\n  return n_;1️⃣\n}\n", "Widget::size"),
            (.javascript, "const add = (a, b) => {\n  return a + 1️⃣b;\n};\n", "add"),
        ]
        for (language, source, name) in cases {
            let (text, line) = cursor(source)
            let plan = try XCTUnwrap(DocstringPlan.plan(in: text, line: line, language: language), "\(language)")
            XCTAssertEqual(plan.site.name, name, "\(language)")
            XCTAssertEqual(plan.stopStrings, ["*/"])
            XCTAssertTrue(plan.prefix.hasSuffix(plan.indentation + "/**\n" + plan.indentation + " * "), "\(language)")
            let edit = try XCTUnwrap(plan.edit(forMiddle: "Does the thing.\n * @returns the result\n */"))
            XCTAssertEqual(edit, plan.indentation + "/**\n" + plan.indentation + " * Does the thing.\n"
                           + plan.indentation + " * @returns the result\n" + plan.indentation + " */\n", "\(language)")
        }
    }

    func testLuaTripleDash() throws {
        let (text, line) = cursor("local M = {}\n\nfunction M.greet(name)\n  return \"hi \" .. name1️⃣\nend\n")
        let plan = try XCTUnwrap(DocstringPlan.plan(in: text, line: line, language: .lua))
        XCTAssertEqual(plan.site.name, "M.greet")
        XCTAssertEqual(plan.edit(forMiddle: "Greets someone.\n--- @param name string"), "--- Greets someone.\n--- @param name string\n")
    }

    func testCursorJustAboveAFunctionAndNoFunction() {
        let text = "x = 1\n\ndef f():\n    pass\n"
        XCTAssertEqual(FunctionFinder.function(in: text, line: 1, language: .python)?.name, "f")
        XCTAssertNil(FunctionFinder.function(in: "x = 1\ny = 2\n", line: 1, language: .python))
        XCTAssertNil(FunctionFinder.function(in: "if (x) {\n  y();\n}\n", line: 1, language: .javascript))
    }

    func testInnermostFunctionWins() {
        let text = "def outer():\n    def inner():\n        return 1\n    return inner\n"
        XCTAssertEqual(FunctionFinder.function(in: text, line: 2, language: .python)?.name, "inner")
        XCTAssertEqual(FunctionFinder.function(in: text, line: 3, language: .python)?.name, "outer")
    }

    func testAlreadyDocumented() {
        XCTAssertEqual(FunctionFinder.function(in: "def f():\n    \"\"\"Doc.\"\"\"\n    pass\n", line: 2, language: .python)?.isDocumented, true)
        XCTAssertEqual(FunctionFinder.function(in: "/// Doc.\nfn f() {\n}\n", line: 1, language: .rust)?.isDocumented, true)
        XCTAssertEqual(FunctionFinder.function(in: "fn f() {\n}\n", line: 1, language: .rust)?.isDocumented, false)
    }

    func testCRLFDocumentGetsCRLFEdit() throws {
        let plan = try XCTUnwrap(DocstringPlan.plan(in: "def f():\r\n    pass\r\n", line: 1, language: .python))
        XCTAssertEqual(plan.edit(forMiddle: "One.\nTwo.", lineEnding: .crlf), "    \"\"\"One.\r\n    Two.\r\n    \"\"\"\r\n")
    }
}
