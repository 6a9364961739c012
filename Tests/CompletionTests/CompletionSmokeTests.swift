import XCTest
@testable import Completion

final class CompletionSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
