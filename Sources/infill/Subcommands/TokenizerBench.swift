import ArgumentParser
import Foundation
import GGUF
import LlamaEngine
import Tokenizer

/// Developer benchmark (hidden): how fast the tokenizer loads and encodes source code.
struct TokenizerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenizer",
        abstract: "Measure tokenizer load time and encoding throughput on source files (one core).",
        shouldDisplay: false
    )

    @Argument(help: "A GGUF path or a pinned model name.")
    var model: String = "qwen2.5-coder-0.5b"

    @Option(name: .customLong("corpus"), help: "Files or directories of source code to encode (repeatable).")
    var corpus: [String] = ["/usr/include"]

    @Option(help: "Stop collecting files after this many megabytes.")
    var megabytes: Double = 8

    @Option(help: "Timed encoding passes over the corpus; the best is reported.")
    var passes: Int = 3

    func run() throws {
        let path: String
        do { path = try ModelLocator.resolve(model) } catch { throw ValidationError("\(error)") }
        let c0 = cpuMilliseconds()
        let t0 = DispatchTime.now()
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw ValidationError(error.description) }
        let t1 = DispatchTime.now()
        let c1 = cpuMilliseconds()
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(gguf: file) } catch { throw ValidationError(error.description) }
        let t2 = DispatchTime.now()
        let c2 = cpuMilliseconds()
        print("model:            \(path)")
        print("vocabulary:       \(tokenizer.vocabularySize) tokens, \(tokenizer.model.rawValue), pre \(tokenizer.preTokenizerName ?? "-")")
        print(String(format: "open GGUF:        %.1f ms", ms(t0, t1)))
        print(String(format: "build tokenizer:  %.1f ms", ms(t1, t2)))
        print(String(format: "CPU time:         open %.1f ms, build %.1f ms (wall time grows when other processes share the cores)", c1 - c0, c2 - c1))

        let texts = collect(limit: Int(megabytes * 1_048_576))
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        guard bytes > 0 else { throw ValidationError("no readable source files under \(corpus.joined(separator: ", "))") }
        var best = Double.infinity, bestCPU = Double.infinity
        var tokens = 0
        for _ in 0..<max(passes, 1) {
            let start = DispatchTime.now()
            let cpu = cpuMilliseconds()
            tokens = 0
            for text in texts { tokens += tokenizer.encode(text).count }
            best = min(best, ms(start, DispatchTime.now()))
            bestCPU = min(bestCPU, cpuMilliseconds() - cpu)
        }
        var mismatches = 0
        for text in texts where tokenizer.decode(tokenizer.encode(text)) != text { mismatches += 1 }
        print("corpus:           \(texts.count) files, \(bytes) bytes, \(tokens) tokens")
        print(String(format: "encode:           %.1f ms, %.2f MB/s, %.0f ktokens/s (wall)", best,
                     Double(bytes) / 1_048_576 / (best / 1000), Double(tokens) / best))
        print(String(format: "encode:           %.1f ms, %.2f MB/s of CPU time (one thread)", bestCPU,
                     Double(bytes) / 1_048_576 / (bestCPU / 1000)))
        print("round trip:       \(mismatches == 0 ? "all files decode(encode(x)) == x" : "\(mismatches) files differ")")
    }

    /// CPU time of this thread.
    private func cpuMilliseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    private func ms(_ a: DispatchTime, _ b: DispatchTime) -> Double {
        Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e6
    }

    /// Text files under the corpus paths, in a stable order, up to `limit` bytes.
    private func collect(limit: Int) -> [String] {
        let fm = FileManager.default
        var paths: [String] = []
        for root in corpus {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &isDir) else { continue }
            if !isDir.boolValue { paths.append(root); continue }
            let found = (fm.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
            paths += found.map { "\(root)/\($0)" }
        }
        var texts: [String] = []
        var total = 0
        for p in paths where total < limit {
            guard let data = fm.contents(atPath: p), !data.isEmpty, let text = String(data: data, encoding: .utf8) else { continue }
            texts.append(text)
            total += data.count
        }
        return texts
    }
}
