/// Which subjects of one kind the evidence for one area covered: the hosts whose inventories listed their updates, the
/// directory's accounts, the accounts whose password hashes were read. A finding about a covered subject that is absent
/// from a later assessment is fixed; one about a subject the later evidence did not cover is only unverified. Without
/// this, "fixed" could only mean "missing from the next import", which closes live findings on a partial re-import.
public struct CoveredSubjects: Codable, Sendable, Hashable {
    /// The area whose rules the evidence covered these subjects for.
    public var area: AssessmentArea
    /// The kind of the subjects.
    public var kind: Subject.Kind
    /// Whether the evidence covered every subject of this kind for the area (a domain's password policy, read from the
    /// directory as a whole), so that `ids` need not list them.
    public var complete: Bool
    /// The subjects' ids (``Subject/id``), sorted and distinct.
    public var ids: [String]
    /// The rules of the area the subjects were checked for, sorted; `nil` for every rule of the area. A check that did
    /// not run is no evidence of a fix: a host whose updates the evidence could not decide, or whose SMBv1 state it
    /// does not show, and accounts whose passwords no breach corpus was consulted for, are covered for the other rules
    /// only.
    public var rules: [RuleID]?

    public init(
        area: AssessmentArea, kind: Subject.Kind, complete: Bool = false, ids: some Sequence<String>,
        rules: [RuleID]? = nil
    ) {
        self.area = area
        self.kind = kind
        self.complete = complete
        self.ids = Self.sortedDistinct(Array(ids))
        self.rules = rules.map { Array(Set($0)).sorted() }
    }

    /// Subjects whose ids are already sorted ascending and distinct (a national directory's 1.5 million accounts are
    /// sorted once for several sets).
    public init(area: AssessmentArea, kind: Subject.Kind, sortedDistinct ids: [String], rules: [RuleID]? = nil) {
        assert(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids not sorted and distinct")
        self.area = area
        self.kind = kind
        self.complete = false
        self.ids = ids
        self.rules = rules.map { Array(Set($0)).sorted() }
    }

    /// Whether the set speaks for findings of `rule` (a rule of its area).
    public func applies(to rule: RuleID) -> Bool {
        rules.map { $0.contains(rule) } ?? true
    }

    /// `ids` sorted ascending, each once.
    public static func sortedDistinct(_ ids: [String]) -> [String] {
        var ids = ids
        ids.sort()
        var kept = 0
        for position in ids.indices where kept == 0 || ids[position] != ids[kept - 1] {
            ids.swapAt(kept, position)
            kept += 1
        }
        ids.removeLast(ids.count - kept)
        return ids
    }

    /// Whether the evidence covered `subject` for this area. A permission (a `resource` whose id is
    /// `path|principal`) is covered when its path is listed: the path's permissions were exported, so an entry gone
    /// from them was removed, not left out of the export.
    public func covers(_ subject: Subject) -> Bool {
        guard subject.kind == kind else { return false }
        if complete || ids.sortedContains(subject.id) { return true }
        guard kind == .resource, let bar = subject.id.firstIndex(of: "|") else { return false }
        return ids.sortedContains(String(subject.id[..<bar]))
    }
}

extension Array where Element: Comparable {
    /// Whether this array, sorted ascending, holds `value`: a binary search. Coverage sets are sorted once and asked
    /// once per ticket or finding.
    public func sortedContains(_ value: Element) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if self[middle] == value { return true }
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return false
    }
}
