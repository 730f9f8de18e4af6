/// Counts everything added and keeps the first ``limit``: the one "count every problem, keep the first N" rule, so a
/// hostile input with millions of bad records costs a counter, not memory. Every reader's `DiagnosticLog` keeps its
/// diagnostics in one (``addReplacing(_:where:)`` is its rule for codes it must never drop), and the scan's walk and
/// per-file problems share another.
///
/// `@inlinable`, so each client specialises it for its element type.
public struct BoundedLog<Element> {
    /// The most elements kept.
    public let limit: Int
    @usableFromInline var storage: [Element] = []
    @usableFromInline var total = 0

    /// An empty log keeping at most `limit` elements.
    @inlinable public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// The elements kept, in the order added.
    @inlinable public var kept: [Element] { storage }
    /// Every element added, kept or not.
    @inlinable public var count: Int { total }

    /// Counts one element and keeps it while there is room; `make` runs only when the element is kept.
    /// Returns whether it was kept.
    @inlinable @discardableResult
    public mutating func add(_ make: @autoclosure () -> Element) -> Bool {
        total += 1
        guard storage.count < limit else { return false }
        storage.append(make())
        return true
    }

    /// Counts `count` elements that were not kept (from a log merged in).
    @inlinable public mutating func addUnkept(_ count: Int) {
        total += max(0, count)
    }

    /// Counts one element and, when the log is full, keeps it in place of the last kept element that `replaceable`
    /// accepts (an element that must not be lost takes an ordinary one's place, so the limit still holds).
    @inlinable public mutating func addReplacing(_ element: Element, where replaceable: (Element) -> Bool) {
        if add(element) { return }
        guard let last = storage.lastIndex(where: replaceable) else { return }
        storage.remove(at: last)
        storage.append(element)
    }
}

extension BoundedLog: Sendable where Element: Sendable {}
extension BoundedLog: Equatable where Element: Equatable {}
