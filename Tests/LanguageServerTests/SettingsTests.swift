import Foundation
import XCTest
import LSPProtocol
@testable import LanguageServer

final class SettingsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDocsTableIsTheSettingsTable() throws {
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        XCTAssertTrue(docs.contains(Settings.markdownTable),
                      "docs/configuration.md is out of date: paste `infill lsp --settings-table` over its table")
    }

    func testEveryIntegerSettingRefusesValuesOutsideItsRange() {
        for setting in Settings.all {
            guard case .integer(let range, let path) = setting.kind else { continue }
            for bad: JSONValue in [.int(range.lowerBound - 1), .int(range.upperBound + 1), .int(Int.max), .int(Int.min),
                                   .double(1e300), .double(1.5), .string("12"), .null] {
                var c = ServerConfiguration()
                let before = c[keyPath: path]
                XCTAssertNotNil(setting.apply(bad, to: &c), "\(setting.key) = \(bad)")
                XCTAssertEqual(c[keyPath: path], before, "\(setting.key) unchanged")
            }
            for good in [range.lowerBound, range.upperBound] {
                var c = ServerConfiguration()
                XCTAssertNil(setting.apply(.int(good), to: &c), "\(setting.key) = \(good)")
                XCTAssertEqual(c[keyPath: path], good)
            }
        }
    }

    func testBackendIsOneOfItsWordsAndChangingItReloads() {
        let backend = Settings.named("backend")!
        var c = ServerConfiguration()
        for bad: JSONValue in [.string("remote"), .string(""), .int(1), .null] {
            XCTAssertNotNil(backend.apply(bad, to: &c), "\(bad)")
        }
        XCTAssertEqual(c.backend, "local")
        XCTAssertNil(backend.apply(.string("llama-server"), to: &c))
        XCTAssertEqual(c.backend, "llama-server")
        XCTAssertTrue(ServerConfiguration().needsReload(for: c))
        var moved = c
        moved.url = "http://10.0.0.2:8080"
        XCTAssertTrue(c.needsReload(for: moved))
        XCTAssertTrue(c.backendDescription.hasPrefix("llama-server at http://127.0.0.1:8080"), c.backendDescription)
    }

    func testKeysAndFlagsAreUnique() {
        XCTAssertEqual(Set(Settings.all.map(\.key)).count, Settings.all.count)
        XCTAssertEqual(Settings.named("maxNewTokens")?.flag, "--max-new-tokens")
    }

    /// The real binary: every setting is a flag, and a flag out of range stops it with the range.
    func testTheBinaryTakesEverySettingAsAFlagWithTheSameRange() throws {
        let binary = Self.root.appendingPathComponent(".build/release/infill")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: binary.path), "build the release binary first")
        let help = try run(binary, ["lsp", "--help"])
        for setting in Settings.all { XCTAssertTrue(help.output.contains(setting.flag), setting.flag) }
        let bad = try run(binary, ["lsp", "--context-tokens", "4611686018427387904"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.output.contains("--context-tokens must be an integer from 64 to 16384"), bad.output)
        let badBackend = try run(binary, ["lsp", "--backend", "remote"])
        XCTAssertNotEqual(badBackend.status, 0)
        XCTAssertTrue(badBackend.output.contains("--backend must be `local` or `llama-server`"), badBackend.output)
    }

    private func run(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
