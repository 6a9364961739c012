/// Guessed tokens for speculative decoding, found in the text so far (prompt lookup decoding): the
/// last few tokens are looked up earlier in the prompt or the output, and what followed them there is
/// the guess. Code repeats itself (names, calls, whole lines, a FIM middle that runs into the suffix),
/// so guesses often hold, and a greedy model checks several in one forward pass that reads the
/// weights once.
struct PromptLookup {
    /// Tokens matched at the end of the history, longest first.
    var matchLengths = [3, 2]
    /// How far back a match is looked for: the end of a FIM prompt holds the suffix and the current
    /// function, which matter most, and the scan stays a few microseconds.
    var window = 4096
    /// The match is measured back this far (how sure the guess is; see `DraftPolicy`).
    static let longestMeasuredMatch = 32

    struct Guess {
        var tokens: ArraySlice<Int32>
        /// Tokens before the guess that equal the end of the history (at least the looked-up length).
        var matchLength: Int
    }

    /// Up to `limit` tokens that followed the latest earlier occurrence of `history`'s last tokens,
    /// cut before any token of `stop` (a stop token ends generation, so nothing past it is needed).
    func guess(_ history: [Int32], limit: Int, stop: Set<Int32>) -> Guess? {
        guard limit > 0 else { return nil }
        let end = history.count
        for n in matchLengths where end > n {
            let pattern = history[(end - n)...]
            let lowest = max(0, end - window)
            var start = end - n - 1
            while start >= lowest {
                defer { start -= 1 }
                guard history[start] == pattern.first!, history[start..<(start + n)].elementsEqual(pattern) else { continue }
                let from = start + n
                var to = min(end, from + limit)
                if let cut = history[from..<to].firstIndex(where: stop.contains) { to = cut }
                guard to > from else { continue }
                var length = n
                while length < Self.longestMeasuredMatch, start - (length - n) > 0,
                      history[start - (length - n) - 1] == history[end - length - 1] { length += 1 }
                return Guess(tokens: history[from..<to], matchLength: length)
            }
        }
        return nil
    }
}
