// Golden fixtures for the trimming passes: every file in Fixtures/ is one case, named after the bug
// it fixes. Adding a case is adding a file. Format (see Fixtures/README.md):
//
//   pass: suffixOverlap            which pass (or `pipeline`, `streaming`)
//   about: one line on the user-visible bug
//   options: policy=singleLine lineEnding=crlf indent=tabs:4 stop=<|endoftext|> replaced=1 truncated unended invoked
//   === prefix / === suffix / === middle / === expected   sections; `∅` alone means "dropped"
//
// In sections `␣` is a space, `⇥` a tab and `␍` a carriage return, so trailing whitespace is visible.
import XCTest
@testable import Completion

struct TrimFixture {
    var name: String
    var pass: String
    var about: String
    var options: [String: String]
    var sections: [String: String]

    init(name: String, text: String) {
        self.name = name
        var header: [String: String] = [:]
        var sections: [String: String] = [:]
        var current: String? = nil
        var lines: [String] = []
        func flush() {
            if let current { sections[current] = Self.unescape(lines.joined(separator: "\n")) }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("=== ") {
                flush()
                current = String(line.dropFirst(4)).trimmingWhitespace()
            } else if current == nil {
                if let colon = line.firstIndex(of: ":") {
                    header[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingWhitespace()
                }
            } else {
                lines.append(line)
            }
        }
        // The file's final newline ends the last section; it is not content.
        if lines.last == "" { lines.removeLast() }
        flush()
        self.pass = header["pass"] ?? ""
        self.about = header["about"] ?? ""
        var options: [String: String] = [:]
        for item in (header["options"] ?? "").split(separator: " ") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            options[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        self.options = options
        self.sections = sections
    }

    static func unescape(_ text: String) -> String {
        text.replacing("␣", with: " ").replacing("⇥", with: "\t").replacing("␍", with: "\r")
    }

    var context: TrimContext {
        var context = TrimContext(prefix: sections["prefix"] ?? "", suffix: sections["suffix"] ?? "")
        context.prefix = LineEnding.normalized(context.prefix)
        context.suffix = LineEnding.normalized(context.suffix)
        if let policy = options["policy"] { context.policy = LinePolicy(rawValue: policy)! }
        if let ending = options["lineEnding"] {
            context.lineEnding = ["lf": .lf, "crlf": .crlf, "cr": .cr][ending]!
        }
        if let indent = options["indent"] {
            let parts = indent.split(separator: ":")
            context.indentStyle = IndentStyle(usesTabs: parts[0] == "tabs", tabSize: parts.count > 1 ? Int(parts[1])! : 4)
        }
        if let stop = options["stop"] { context.stopStrings = stop.split(separator: ",").map(String.init) }
        context.truncated = options["truncated"] != nil
        context.endedByModel = options["truncated"] == nil && options["unended"] == nil
        context.followsModel = options["invoked"] != nil
        return context
    }
}

final class TrimFixtureTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixtures() throws -> [TrimFixture] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".fixture") }.sorted()
        return try names.map { name in
            TrimFixture(name: name, text: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }

    func testGoldenFixtures() throws {
        let fixtures = try Self.fixtures()
        XCTAssertGreaterThan(fixtures.count, 30, "fixtures missing from \(Self.directory.path)")
        let passes = Dictionary(uniqueKeysWithValues: Trimmer.passes.map { ($0.name, $0.run) })
            .merging(["indentationStyle": Trim.indentationStyle, "lineEndings": Trim.lineEndings]) { a, _ in a }
        for fixture in fixtures {
            let context = fixture.context
            guard let middle = fixture.sections["middle"], let expected = fixture.sections["expected"] else {
                XCTFail("\(fixture.name): needs === middle and === expected sections"); continue
            }
            XCTAssertFalse(fixture.about.isEmpty, "\(fixture.name): say which bug it fixes in `about:`")
            switch fixture.pass {
            case "pipeline":
                let edit = Trimmer.trim(middle, context: context)
                if expected == "∅" {
                    XCTAssertNil(edit, "\(fixture.name): expected the completion to be dropped, got \(String(reflecting: edit?.text))")
                } else {
                    XCTAssertEqual(edit?.text, expected, "\(fixture.name): \(fixture.about)")
                    XCTAssertEqual(edit?.replacedCharactersAfterCursor, Int(fixture.options["replaced"] ?? "0"), "\(fixture.name): replaced characters")
                }
            case "streaming":
                let stop = StreamingStop(context: context).shouldStop(generatedSoFar: middle)
                XCTAssertEqual(stop ? "stop" : "continue", expected, "\(fixture.name): \(fixture.about)")
            case "autoCloser":
                XCTAssertEqual(String(Trim.autoCloserReplacement(middle, context)), expected, "\(fixture.name): \(fixture.about)")
            default:
                guard let pass = passes[fixture.pass] else { XCTFail("\(fixture.name): unknown pass \(fixture.pass)"); continue }
                XCTAssertEqual(pass(middle, context), expected, "\(fixture.name): \(fixture.about)")
            }
        }
    }

    /// Every pass has at least one fixture of its own.
    func testEveryPassHasFixtures() throws {
        let covered = Set(try Self.fixtures().map(\.pass))
        for pass in Trimmer.passes.map(\.name) + ["indentationStyle", "lineEndings", "autoCloser", "pipeline", "streaming"] {
            XCTAssertTrue(covered.contains(pass), "no fixture for pass \(pass)")
        }
    }
}
