/// The least-privilege proposal for one confidential resource (issue 15, item 7): the smallest set of existing groups
/// that still covers everyone who needs it, or one new group with named members when existing groups would let in too
/// many others, and the effect of applying it.
///
/// Who needs a resource comes from access logs (who used it), which Vigil does not read yet; this is the deterministic
/// selection that the proposal will run on them, kept separate so that it can be tested on sets known by construction.
public enum LeastPrivilege {
    /// A proposal and its effect.
    public struct Proposal: Sendable, Equatable {
        /// Existing groups to grant instead of the current entries, in the order chosen.
        public var groups: [Int]
        /// Accounts to put in one new group, when existing groups do not cover them without letting in too many others.
        public var newGroupMembers: [Int]
        /// Accounts who could read before (the counted ones).
        public var before: Int
        /// Accounts who could read after.
        public var after: Int
        /// Accounts who need access and would lose it (always 0: the proposal covers every one of them).
        public var needingAndLosing: Int

        public init(groups: [Int], newGroupMembers: [Int], before: Int, after: Int, needingAndLosing: Int) {
            self.groups = groups
            self.newGroupMembers = newGroupMembers
            self.before = before
            self.after = after
            self.needingAndLosing = needingAndLosing
        }
    }

    /// Chooses groups greedily by how many still-uncovered accounts in `needed` each adds per account it lets in
    /// beyond them (ties: fewer members, then lower index, so the result is the same on every run). A group is a
    /// candidate only when it is smaller than `current` (a proposal never widens access). When the groups chosen let in
    /// more than `slack` times as many accounts as `needed` holds, one new group of exactly `needed` is proposed instead.
    ///
    /// - Parameters:
    ///   - needed: the accounts that need the resource (used it), within `counted`.
    ///   - current: the accounts who can read it now.
    ///   - candidates: each existing group's members (through nesting), by group index.
    ///   - counted: the accounts that count (enabled staff).
    public static func propose(
        needed: AccessBitset, current: AccessBitset, candidates: [(group: Int, members: AccessBitset)],
        counted: AccessBitset, slack: Int = 2
    ) -> Proposal {
        var target = needed
        target.formIntersection(counted)
        let currentCount = current.intersectionCount(counted)
        let needCount = target.count
        var pool: [(group: Int, members: AccessBitset, size: Int)] = candidates.compactMap { candidate in
            var members = candidate.members
            members.formIntersection(counted)
            let size = members.count
            guard size < currentCount, members.intersectionCount(target) > 0 else { return nil }
            return (candidate.group, members, size)
        }
        var uncovered = target
        var granted = AccessBitset(capacity: counted.capacity)
        var chosen: [Int] = []  // in the order picked
        while !uncovered.isEmpty, !pool.isEmpty {
            var best: (index: Int, gain: Int, extra: Int, size: Int, group: Int)?
            for (index, candidate) in pool.enumerated() {
                let gain = candidate.members.intersectionCount(uncovered)
                guard gain > 0 else { continue }
                var extraSet = candidate.members
                extraSet.subtract(target)
                extraSet.subtract(granted)
                let extra = extraSet.count
                if let known = best {
                    // gain / (extra + 1) compared without division.
                    let left = gain * (known.extra + 1)
                    let right = known.gain * (extra + 1)
                    guard
                        left > right
                            || (left == right
                                && (candidate.size, candidate.group) < (known.size, known.group))
                    else { continue }
                }
                best = (index, gain, extra, candidate.size, candidate.group)
            }
            guard let best else { break }
            let picked = pool.remove(at: best.index)
            chosen.append(picked.group)
            granted.formUnion(picked.members)
            uncovered.subtract(picked.members)
        }
        // Greedy choice can leave a group made redundant by later ones (a team of three inside a team of ten): drop
        // those, first chosen first, so the set is as small as the choice allows.
        var kept = chosen
        if uncovered.isEmpty {
            let membersOf = Dictionary(
                candidates.map { ($0.group, $0.members) }, uniquingKeysWith: { first, _ in first })
            for group in chosen where kept.count > 1 {
                var others = AccessBitset(capacity: counted.capacity)
                for other in kept where other != group {
                    if let members = membersOf[other] { others.formUnion(members) }
                }
                if target.intersectionCount(others) == needCount { kept.removeAll { $0 == group } }
            }
            granted = AccessBitset(capacity: counted.capacity)
            for group in kept { if let members = membersOf[group] { granted.formUnion(members) } }
            granted.formIntersection(counted)
        }
        let grantedCount = granted.count
        if !uncovered.isEmpty || grantedCount > slack * max(needCount, 1) {
            return Proposal(
                groups: [], newGroupMembers: target.members, before: currentCount, after: needCount,
                needingAndLosing: 0)
        }
        return Proposal(
            groups: kept, newGroupMembers: [], before: currentCount, after: grantedCount, needingAndLosing: 0)
    }
}
