extension DirectoryIndex {
    /// The first `limit` of `accounts` (indexes into ``accounts``) in order of qualified name, ties in the order
    /// given: what sorting them all and taking the first `limit` gives, without sorting a national directory's tens of
    /// thousands of names to name twenty of them in a finding.
    func firstByName(_ indices: [Int], limit: Int) -> [Int] {
        guard limit > 0 else { return [] }
        // Ascending by name, then by position in `indices`; at most `limit` long.
        var best: [(name: String, index: Int)] = []
        best.reserveCapacity(limit + 1)
        for index in indices {
            let name = accounts[index].qualifiedName
            if best.count == limit, let last = best.last, !(name < last.name) { continue }
            // After every name not greater than this one: a later equal name goes after the earlier ones.
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if name < best[middle].name { high = middle } else { low = middle + 1 }
            }
            best.insert((name, index), at: low)
            if best.count > limit { best.removeLast() }
        }
        return best.map(\.index)
    }
}
