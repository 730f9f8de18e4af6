import VigilCore

/// The least-privilege proposal per share (issue 15, item 7): ``LeastPrivilege/propose`` run on who used each share in
/// the access window, choosing among the directory's existing groups, with its effect stated the way a change request
/// states it ("replace Domain Users with Outpatients-Admin: 6,812 → 43 staff; 0 active users lose access") and the
/// changes themselves listed for the directory team (`least-privilege.csv`).
///
/// Only shares the logs cover get a proposal: who needs a share is who used it, and a share the logs never mention says
/// nothing about that. The candidates are every directory group (through nesting) that holds at least one of those
/// users; the choice is deterministic (``LeastPrivilege/propose`` breaks ties by size, then group order).
extension AccessAnalyzer {
    /// One share's proposal, ready to print.
    struct ShareProposal {
        var share: ShareUsage
        /// The permissions on the share that let staff read its confidential files now.
        var current: [AccessReach.OpeningGrant]
        var proposal: LeastPrivilege.Proposal
        /// The existing groups chosen, by name, in the order chosen.
        var groups: [String]
        /// The name suggested for a new group.
        var newGroup: String?
    }

    /// The proposals for every logged share that more staff can read than used it.
    static func proposals(
        _ reach: AccessReach, shares: [ShareUsage], grants: [AccessReach.OpeningGrant], accounts: [Account]
    ) -> [ShareProposal] {
        let logged = shares.filter(\.logged)
        guard !logged.isEmpty else { return [] }
        let candidates = candidateGroups(reach, needed: logged.map(\.used))
        return logged.map { share -> ShareProposal in
            let proposal = LeastPrivilege.propose(
                needed: share.used, current: share.readers, candidates: candidates, counted: reach.staff)
            // The entries to replace are those letting in more staff than the proposal does; narrower ones (the
            // administrators who manage the share) stay.
            let current = grants.filter { grant in
                let path = AccessControlIndex.key(grant.path)
                let root = AccessControlIndex.key(share.path)
                return (path == root || path.hasPrefix(root + "\\") || root.hasPrefix(path + "\\"))
                    && grant.staff > proposal.after
            }
            let names = proposal.groups.map { reach.directory.groupNames[$0] }
            let newGroup = proposal.newGroupMembers.isEmpty ? nil : suggestedGroupName(share.path)
            return ShareProposal(share: share, current: current, proposal: proposal, groups: names, newGroup: newGroup)
        }
    }

    /// Each directory group (through nesting) holding at least one account in `needed`, with its enabled-or-not
    /// members, in group order.
    static func candidateGroups(_ reach: AccessReach, needed: [AccessBitset]) -> [(group: Int, members: AccessBitset)] {
        var anyone = AccessBitset(capacity: reach.accountCount)
        for set in needed { anyone.formUnion(set) }
        guard !anyone.isEmpty else { return [] }
        let graph = reach.directory.graph
        var work = AccessGraph.Workspace(for: graph)
        var result: [(group: Int, members: AccessBitset)] = []
        for group in 0..<graph.groupCount {
            let members = graph.members(of: [.group(group)], using: &work)
            if members.intersectionCount(anyone) > 0 { result.append((group, members)) }
        }
        return result
    }

    /// `Clinical-Readers` for `D:\Shares\Clinical`: the share's last folder name, for the directory team to rename.
    static func suggestedGroupName(_ path: String) -> String {
        let last = path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? "Share"
        let cleaned = String(last.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }.prefix(40))
        return (cleaned.isEmpty ? "Share" : cleaned) + "-Readers"
    }

    /// What to do, in words: the change, and its effect in staff.
    static func change(_ item: ShareProposal) -> String {
        let proposal = item.proposal
        let replaced =
            item.current.isEmpty ? "the current entries" : item.current.map(\.principal).joined(separator: ", ")
        let effect =
            "\(Wording.number(proposal.before)) → \(Wording.count(proposal.after, "staff", plural: "staff")); \(Wording.number(proposal.needingAndLosing)) active \(proposal.needingAndLosing == 1 ? "user loses" : "users lose") access"
        if item.share.used.isEmpty {
            return "remove \(replaced) (nobody used it in the window): \(effect)"
        }
        if proposal.after >= proposal.before {
            return "keep: everyone who can read it used it"
        }
        if let newGroup = item.newGroup {
            return
                "replace \(replaced) with a new group \(newGroup) of the \(Wording.count(proposal.newGroupMembers.count, "user")) who used it: \(effect)"
        }
        return "replace \(replaced) with \(item.groups.joined(separator: " and ")): \(effect)"
    }

    /// Why this proposal, in words.
    /// `period`: ``AccessUsage/period``, the days the logs span.
    static func explanation(_ item: ShareProposal, reach: AccessReach, period: String) -> String {
        let used = item.share.used.count
        if used == 0 { return "No enabled member of staff made a successful access to it \(period)." }
        if item.proposal.after >= item.proposal.before {
            return "All \(Wording.number(used)) who can read it used it \(period)."
        }
        if item.newGroup != nil {
            return
                "No existing group, or few groups, covers the \(Wording.number(used)) who used it \(period) without letting in more than twice as many; a group of exactly them does."
        }
        return
            "The \(item.groups.count == 1 ? "group holds" : "groups hold") all \(Wording.number(used)) who used it \(period), and \(Wording.number(item.proposal.after - used)) other enabled staff; chosen for the most users covered per extra member, ties to the smaller group."
    }

    /// The summary table: one row per logged share.
    static func proposalTable(_ items: [ShareProposal], reach: AccessReach, period: String) -> SummaryTable? {
        guard !items.isEmpty else { return nil }
        return SummaryTable(
            id: "access.least-privilege", area: .access, title: "Least-privilege proposal, by share",
            columns: ["Share", "Staff who can read it", "Used it", "Proposal", "Why"],
            rows: items.map { item in
                [
                    item.share.path, Wording.number(item.share.readers.count), Wording.number(item.share.used.count),
                    change(item), explanation(item, reach: reach, period: period),
                ]
            },
            note:
                "Who needs a share is who used it in the access window; every one of them keeps access. The changes, with the members of any new group, are in least-privilege.csv."
        )
    }

    /// The changes a directory team applies, one per row (`least-privilege.csv`; not drawn in the HTML report). The
    /// groups are granted read where the entries removed were, never on the share above them: an entry on the share's
    /// root is inherited by folders that other entries now keep to a few (a finance folder, referrals), and a grant
    /// there would open them to the group.
    static func changesTable(_ items: [ShareProposal], accounts: [Account]) -> SummaryTable? {
        var rows: [[String]] = []
        for item in items where item.proposal.after < item.proposal.before || item.share.used.isEmpty {
            let path = item.share.path
            let effect = "\(item.proposal.before) -> \(item.proposal.after)"
            for grant in item.current {
                rows.append([path, "remove-entry", grant.principal, "", grant.path, effect])
            }
            let granted = grantPaths(item)
            for group in item.groups {
                for place in granted { rows.append([path, "grant-read", group, "", place, effect]) }
            }
            if let newGroup = item.newGroup {
                rows.append([path, "create-group", newGroup, "", "", effect])
                for place in granted { rows.append([path, "grant-read", newGroup, "", place, effect]) }
                for member in item.proposal.newGroupMembers where member < accounts.count {
                    rows.append([path, "add-member", newGroup, accounts[member].qualifiedName, "", effect])
                }
            }
        }
        guard !rows.isEmpty else { return nil }
        return SummaryTable(
            id: changesTableID, area: .access, title: "Least-privilege changes",
            columns: ["Share", "Change", "Group or principal", "Account", "Path", "Staff before -> after"],
            rows: rows,
            note: "Apply a share's rows together: grant the new entries, then remove the old ones.")
    }

    /// Where a proposal's groups are granted read: each path an entry removed was on, in order, once — the share's own
    /// path for an entry above it (Everyone inherited from `D:\Shares`: a grant there would open every sibling
    /// share), and when none is removed.
    static func grantPaths(_ item: ShareProposal) -> [String] {
        let root = AccessControlIndex.key(item.share.path)
        var seen = Set<String>()
        let paths = item.current.map { grant in
            let path = AccessControlIndex.key(grant.path)
            return path == root || path.hasPrefix(root + "\\") ? grant.path : item.share.path
        }.filter { seen.insert(AccessControlIndex.key($0)).inserted }
        return paths.isEmpty ? [item.share.path] : paths
    }

    /// The id of the changes table (written as `least-privilege.csv`).
    public static let changesTableID = "access.least-privilege-changes"
}
