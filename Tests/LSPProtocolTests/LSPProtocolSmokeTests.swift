import XCTest
@testable import LSPProtocol

final class LSPProtocolSmokeTests: XCTestCase {
    func testModuleLinks() {}
}
