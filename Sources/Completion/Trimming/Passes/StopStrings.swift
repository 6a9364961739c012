extension Trim {
    /// Cuts the middle at the first stop string (a stop token's name decoded as text, or a docstring
    /// closer), so control-token names never reach the document.
    public static func cutAtStopStrings(_ middle: String, _ context: TrimContext) -> String {
        var end = middle.endIndex
        for stop in context.stopStrings where !stop.isEmpty {
            if let range = middle[..<end].firstRange(of: stop) { end = range.lowerBound }
        }
        return String(middle[..<end])
    }
}
