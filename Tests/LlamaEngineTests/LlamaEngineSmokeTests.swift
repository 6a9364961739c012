import XCTest
@testable import LlamaEngine

final class LlamaEngineSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
