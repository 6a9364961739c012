/// Elements of a `BinaryHeap`: `precedes` says which of two comes out first.
protocol HeapElement {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A minimal binary heap (priority queue) whose storage is reused between words.
struct BinaryHeap<Element: HeapElement> {
    private(set) var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.precedes(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var parent = 0
        let count = items.count
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            var best = left
            if left + 1 < count, Element.precedes(items[left + 1], items[left]) { best = left + 1 }
            guard Element.precedes(items[best], items[parent]) else { break }
            items.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
