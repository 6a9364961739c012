import XCTest
@testable import LanguageServer

final class LanguageServerSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
