/// Splits text around special tokens before normal tokenization, exactly as llama.cpp's
/// `tokenizer_st_partition`: candidates are tried longest text first; each takes every
/// non-overlapping occurrence (left to right) that still lies in untokenized text.
///
/// User-defined tokens are always split out (as in llama.cpp and Hugging Face); control and
/// unknown tokens only when the caller asks to parse special tokens, so by default text such as
/// "<|fim_prefix|>" in a user's file is tokenized as plain characters.
struct SpecialTokenMatcher: Sendable {
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Candidate: Sendable {
        var id: Int32
        var text: [UInt8]
        var onlyWhenParsingSpecial: Bool
        var lstrip: Bool
        var rstrip: Bool
    }

    /// In llama.cpp's order: longest text first, then lowest id.
    private let candidates: [Candidate]
    /// For each first byte, indices into `candidates` that start with it.
    private let byFirstByte: [[Int32]]
    private let hasAlwaysSplit: Bool

    init(ids: [Int32], text: (Int32) -> [UInt8], attributes: (Int32) -> TokenAttributes) {
        var list: [Candidate] = []
        for id in ids {
            let a = attributes(id)
            let t = text(id)
            guard a.isSpecialCandidate, !t.isEmpty else { continue }
            list.append(Candidate(id: id, text: t, onlyWhenParsingSpecial: !a.isDisjoint(with: [.control, .unknown]),
                                  lstrip: a.contains(.lstrip), rstrip: a.contains(.rstrip)))
        }
        list.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        var table = [[Int32]](repeating: [], count: 256)
        for (i, c) in list.enumerated() { table[Int(c.text[0])].append(Int32(i)) }
        candidates = list
        byFirstByte = table
        hasAlwaysSplit = list.contains { !$0.onlyWhenParsingSpecial }
    }

    func partition(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        let n = bytes.count
        guard n > 0 else { return [] }
        guard parseSpecial ? !candidates.isEmpty : hasAlwaysSplit else { return [.text(0..<n)] }

        // All occurrences of every eligible candidate, as (candidate index, position).
        var found: [(candidate: Int32, position: Int32)] = []
        byFirstByte.withUnsafeBufferPointer { table in
            for i in 0..<n {
                let list = table[Int(bytes[i])]
                if list.isEmpty { continue }
                for k in list {
                    let c = candidates[Int(k)]
                    if !parseSpecial && c.onlyWhenParsingSpecial { continue }
                    if c.text.count > n - i { continue }
                    var equal = true
                    for j in 1..<c.text.count where bytes[i + j] != c.text[j] {
                        equal = false
                        break
                    }
                    if equal { found.append((k, Int32(i))) }
                }
            }
        }
        if found.isEmpty { return [.text(0..<n)] }
        found.sort { $0.candidate != $1.candidate ? $0.candidate < $1.candidate : $0.position < $1.position }

        // 0 = untokenized, 1 = inside a special token, 2 = white space stripped next to one.
        var state = [UInt8](repeating: 0, count: n)
        var tokenAt: [Int: (id: Int32, length: Int)] = [:]
        for (k, p) in found {
            let c = candidates[Int(k)]
            let start = Int(p), end = start + c.text.count
            var free = true
            for i in start..<end where state[i] != 0 {
                free = false
                break
            }
            guard free else { continue }
            for i in start..<end { state[i] = 1 }
            tokenAt[start] = (c.id, c.text.count)
            if c.lstrip {
                var i = start - 1
                while i >= 0, state[i] == 0, Self.isSpace(bytes[i]) { state[i] = 2; i -= 1 }
            }
            if c.rstrip {
                var i = end
                while i < n, state[i] == 0, Self.isSpace(bytes[i]) { state[i] = 2; i += 1 }
            }
        }

        var fragments: [Fragment] = []
        var i = 0
        while i < n {
            switch state[i] {
            case 0:
                let s = i
                while i < n, state[i] == 0 { i += 1 }
                fragments.append(.text(s..<i))
            case 1:
                let token = tokenAt[i]!
                fragments.append(.token(token.id))
                i += token.length
            default:
                i += 1
            }
        }
        return fragments
    }

    /// C `isspace` in the C locale, which llama.cpp uses for lstrip/rstrip.
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
}
