import Foundation

/// Memory the kernel says can be used without swapping (MemAvailable), to refuse a model that cannot
/// fit before allocating anything rather than be killed by the OOM killer halfway through.
enum Memory {
    static func availableBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }
}
