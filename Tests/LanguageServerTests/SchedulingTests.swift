import JSONRPC
import LSPProtocol
import XCTest
@testable import LanguageServer

final class SchedulingTests: XCTestCase {
    func held() async throws -> (TestClient, [String: Position]) {
        let client = TestClient()
        try await client.initialize()
        let pos = client.open("file:///a.py", "python", "x = 1️⃣\n")
        client.backend.hold()
        return (client, pos)
    }

    func inline(_ client: TestClient, _ p: Position, uri: String = "file:///a.py") -> (id: RequestID, response: Task<InlineCompletionList?, any Error>) {
        client.start(InlineCompletionRequest(textDocument: .init(uri: uri), position: p))
    }

    func testNewerCompletionSupersedesOlderForTheSameDocument() async throws {
        let (client, pos) = try await held()
        let first = inline(client, pos["1️⃣"]!)
        await client.waitUntil("first generation running") { client.backend.waiting == 1 }
        let second = inline(client, pos["1️⃣"]!)
        let firstAnswer = try await first.response.value
        XCTAssertNil(firstAnswer, "superseded: answered null")
        client.backend.release()
        let secondAnswer = try await second.response.value
        XCTAssertNotNil(secondAnswer)
    }

    func testCancelRequestAnswersRequestCancelled() async throws {
        let (client, pos) = try await held()
        let request = inline(client, pos["1️⃣"]!)
        await client.waitUntil("generation running") { client.backend.waiting == 1 }
        client.notify(CancelRequestNotification(id: request.id))
        do {
            _ = try await request.response.value
            XCTFail("expected RequestCancelled")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.requestCancelledCode)
        }
    }

    func testCancelJumpsTheQueueWhileWaitingForTheEngine() async throws {
        let (client, pos) = try await held()
        client.open("file:///b.py", "python", "y = \n")
        let running = inline(client, pos["1️⃣"]!)
        await client.waitUntil("generation running") { client.backend.waiting == 1 }
        let queued = inline(client, Position(line: 0, character: 4), uri: "file:///b.py")
        client.notify(CancelRequestNotification(id: queued.id))
        do {
            _ = try await queued.response.value
            XCTFail("expected RequestCancelled")
        } catch let error as ResponseError {
            XCTAssertEqual(error.code, ResponseError.requestCancelledCode)
        }
        XCTAssertEqual(client.backend.calls.count, 1, "the queued request never reached the engine")
        client.backend.release()
        _ = try await running.response.value
    }

    func testResultForAnOlderVersionIsDropped() async throws {
        let (client, pos) = try await held()
        let request = inline(client, pos["1️⃣"]!)
        await client.waitUntil("generation running") { client.backend.waiting == 1 }
        // The user types on; the edit is applied although a generation is running.
        client.notify(DidChangeTextDocumentNotification(
            textDocument: .init(uri: "file:///a.py", version: 2),
            contentChanges: [.init(range: Range(pos["1️⃣"]!), text: "4")]))
        // Messages are handled in order: once this answer is back, the edit has been applied.
        _ = try await client.send(StatusRequest())
        client.backend.release()
        let answer = try await request.response.value
        XCTAssertNil(answer)
        client.backend.release()
        let fresh = try await inline(client, Position(line: 0, character: 5)).response.value
        XCTAssertNotNil(fresh)
        XCTAssertEqual(client.backend.calls.last?.prefix, "x = 4")
    }

    func testOneGenerationAtATimeAcrossDocuments() async throws {
        let (client, _) = try await held()
        var requests: [(id: RequestID, response: Task<InlineCompletionList?, any Error>)] = []
        for i in 0..<5 {
            client.open("file:///d\(i).py", "python", "v\(i) = \n")
            requests.append(inline(client, Position(line: 0, character: 5), uri: "file:///d\(i).py"))
        }
        await client.waitUntil("first generation running") { client.backend.waiting == 1 }
        client.backend.release()
        for r in requests {
            let answer = try await r.response.value
            XCTAssertNotNil(answer)
        }
        XCTAssertEqual(client.backend.maxConcurrent, 1)
        XCTAssertEqual(client.backend.calls.map(\.uri).sorted(), (0..<5).map { "file:///d\($0).py" }, "each ran once")
    }

    func testShutdownCancelsRunningGenerations() async throws {
        let (client, pos) = try await held()
        let request = inline(client, pos["1️⃣"]!)
        await client.waitUntil("generation running") { client.backend.waiting == 1 }
        _ = try await client.send(ShutdownRequest())
        _ = try? await request.response.value  // answered (cancelled), not left hanging
    }

    func testTimeLimitIsPassedAsADeadline() async throws {
        let client = TestClient()
        try await client.initialize(options: ["timeLimitMs": 300])
        let pos = client.open("file:///a.py", "python", "x = 1️⃣\n")
        let before = ContinuousClock.now
        _ = try await inline(client, pos["1️⃣"]!).response.value
        let deadline = try XCTUnwrap(client.backend.calls.last?.deadline)
        XCTAssertGreaterThan(deadline, before + .milliseconds(299))
    }
}

extension SchedulingTests {
    /// `$/cancelRequest` skips the queue, so it can arrive before its request was taken up.
    func testCancelThatOvertakesItsRequestIsKept() async throws {
        let (client, pos) = try await held()
        let running = inline(client, pos["1️⃣"]!)
        await client.waitUntil("generation running") { client.backend.waiting == 1 }
        // Hand both messages over back to back: the cancel is handled at once, the request later.
        let request = try Message.request(InlineCompletionRequest(textDocument: .init(uri: "file:///a.py"), position: pos["1️⃣"]!),
                                          id: .string("late"))
        client.notify(CancelRequestNotification(id: .string("late")))
        client.sendRaw(request)
        client.backend.release()
        _ = try await running.response.value
        await client.waitUntil("the late request answered") { client.backend.calls.count >= 1 }
        XCTAssertEqual(client.backend.calls.count, 1, "the cancelled request never ran")
    }
}
