/// A shell-style pattern for include and exclude options, matched against a path relative to the scanned folder, case
/// insensitively (Windows shares are): `*` any run of characters but `/`, `**` any run including `/`, `?` one
/// character, `[abc]`/`[a-z]`/`[!abc]` one of a set. A pattern without `/` matches the name at any depth (`*.tmp`,
/// `~$*`); a pattern with one matches the whole relative path (`Archive/**`, `**/Backups/*.csv`).
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let description: String
    private let pattern: [UInt8]
    private let anchored: Bool

    public init(_ text: String) {
        description = text
        var bytes = Array(text.lowercased().utf8)
        while bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        if bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        anchored = bytes.contains(UInt8(ascii: "/"))
        pattern = bytes
    }

    /// Whether the relative path `path` (separated by `/`) matches.
    public func matches(_ path: String) -> Bool {
        let lower = Array(path.lowercased().utf8)
        if anchored { return Self.match(pattern[...], lower[...]) }
        let name = lower.lastIndex(of: UInt8(ascii: "/")).map { lower[($0 + 1)...] } ?? lower[...]
        return Self.match(pattern[...], name)
    }

    /// Iterative wildcard matching with backtracking to the last star (and the last double star across `/`).
    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var star: (p: Int, t: Int, crossesSlash: Bool)?
        while t < text.endIndex {
            if p < pattern.endIndex {
                let symbol = pattern[p]
                if symbol == UInt8(ascii: "*") {
                    var next = p + 1
                    let double = next < pattern.endIndex && pattern[next] == UInt8(ascii: "*")
                    if double {
                        next += 1
                        // `**/` also matches nothing.
                        if next < pattern.endIndex, pattern[next] == UInt8(ascii: "/") {
                            if match(pattern[(next + 1)...], text[t...]) { return true }
                        }
                    }
                    star = (next, t, double)
                    p = next
                    continue
                }
                if symbol == UInt8(ascii: "?"), text[t] != UInt8(ascii: "/") {
                    p += 1
                    t += 1
                    continue
                }
                if symbol == UInt8(ascii: "["), let (matched, after) = set(pattern, p, text[t]) {
                    if matched {
                        p = after
                        t += 1
                        continue
                    }
                } else if symbol == text[t] {
                    p += 1
                    t += 1
                    continue
                }
            }
            guard let last = star, last.crossesSlash || text[last.t] != UInt8(ascii: "/") else { return false }
            star = (last.p, last.t + 1, last.crossesSlash)
            p = last.p
            t = last.t + 1
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `byte` against the set at `pattern[start]` (`[`), returning whether it matched and the index after `]`.
    private static func set(_ pattern: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var index = start + 1
        var negated = false
        if index < pattern.endIndex, pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex, pattern[index] != UInt8(ascii: "]") || first {
            first = false
            let low = pattern[index]
            if index + 2 < pattern.endIndex, pattern[index + 1] == UInt8(ascii: "-"),
                pattern[index + 2] != UInt8(ascii: "]")
            {
                let high = pattern[index + 2]
                if low <= high, (low...high).contains(byte) { matched = true }
                index += 3
            } else {
                if low == byte { matched = true }
                index += 1
            }
        }
        guard index < pattern.endIndex else { return nil }
        return (matched != negated, index + 1)
    }
}
