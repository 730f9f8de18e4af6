/// The first `limit` of `items` in the order `precedes` defines, or all of them in that order when `limit` is `nil`:
/// what a table showing its first rows needs, without sorting the thousands of rows a national page does not show.
/// `precedes` must be a strict total order (the pages break ties by path), so the rows are the ones a full sort would
/// put first, in the same order.
func firstOrdered<Item>(_ items: [Item], limit: Int?, by precedes: (Item, Item) -> Bool) -> [Item] {
    guard let limit, limit < items.count else { return items.sorted(by: precedes) }
    guard limit > 0 else { return [] }
    // The best `limit` so far, in order: most items fail against the last one kept and cost one comparison.
    var kept: [Item] = []
    kept.reserveCapacity(limit + 1)
    for item in items {
        if kept.count == limit {
            guard let last = kept.last, precedes(item, last) else { continue }
            kept.removeLast()
        }
        var low = 0
        var high = kept.count
        while low < high {
            let middle = (low + high) / 2
            if precedes(kept[middle], item) { low = middle + 1 } else { high = middle }
        }
        kept.insert(item, at: low)
    }
    return kept
}
