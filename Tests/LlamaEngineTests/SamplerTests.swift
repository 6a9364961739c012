import XCTest
@testable import LlamaEngine

final class SamplerTests: XCTestCase {
    let logits: [Float] = [0.1, 2.0, -1.0, 1.9, 0.5, 2.0, -3.0, 1.0]

    private func draw(_ sampler: Sampler, times: Int = 200) -> [Int32] {
        let state = SamplerState(vocabSize: logits.count, seed: sampler.seed)
        return (0..<times).map { _ in state.sample(logits, count: logits.count, with: sampler) }
    }

    func testGreedyTakesFirstMaximum() {
        XCTAssertEqual(draw(.greedy, times: 3), [1, 1, 1])
    }

    func testSeededSamplingIsReproducibleAndSeedDependent() {
        let a = draw(Sampler(temperature: 1, seed: 42))
        XCTAssertEqual(a, draw(Sampler(temperature: 1, seed: 42)))
        XCTAssertNotEqual(a, draw(Sampler(temperature: 1, seed: 43)))
        XCTAssertGreaterThan(Set(a).count, 3)
    }

    func testTopKAndTopPRestrictCandidates() {
        XCTAssertEqual(Set(draw(Sampler(temperature: 1, topK: 1, seed: 1))), [1])
        XCTAssertEqual(Set(draw(Sampler(temperature: 1, topK: 3, seed: 1))), [1, 5, 3])
        // Top three share ~0.74 of the mass at T=1; top-p 0.5 keeps only the two 2.0s.
        XCTAssertEqual(Set(draw(Sampler(temperature: 1, topP: 0.5, seed: 1))), [1, 5])
    }

    func testLowTemperatureConcentratesOnTheBest() {
        let drawn = draw(Sampler(temperature: 0.01, seed: 3))
        XCTAssertTrue(drawn.allSatisfy { $0 == 1 || $0 == 5 })
    }
}

final class ThreadPoolTests: XCTestCase {
    func testEveryItemRunsOnceAcrossManyJobs() {
        let pool = ThreadPool(threads: 3)
        XCTAssertEqual(pool.threadCount, 3)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
        defer { counts.deallocate() }
        for job in 0..<500 {
            let n = 1 + job % 1000
            counts.initialize(repeating: 0, count: n)
            pool.parallelFor(n) { i in counts[i] += 1 }
            XCTAssertTrue((0..<n).allSatisfy { counts[$0] == 1 }, "job \(job)")
        }
        var covered = [Bool](repeating: false, count: 1003)
        covered.withUnsafeMutableBufferPointer { flags in
            pool.parallelChunks(1003, alignment: 16) { range in
                XCTAssertTrue(range.lowerBound % 16 == 0)
                for i in range { flags[i] = true }
            }
        }
        XCTAssertTrue(covered.allSatisfy { $0 })
    }

    func testThreadIndicesAreInRange() {
        let pool = ThreadPool(threads: 2)
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { seen.deallocate() }
        pool.parallelFor(64) { i, thread in seen[i] = thread }
        XCTAssertTrue((0..<64).allSatisfy { (0..<2).contains(seen[$0]) })
    }
}
