import VigilAnalyzers
import VigilCore

/// Consistency checks between evidence files, reported with the evidence inventory.
enum CrossChecks {
    /// Hash-dump entries with no directory account, and enabled directory accounts with no hash, each summarised in
    /// one diagnostic pointing at the first instance.
    static func diagnose(_ directory: DirectoryIndex, estate: Estate) -> [Diagnostic] {
        guard !estate.credentials.isEmpty, !estate.accounts.isEmpty else { return [] }
        var diagnostics: [Diagnostic] = []
        // Another domain's entries are reported on their own below, not counted twice.
        let otherDomain = Set(directory.otherDomainCredentials.map(\.source))
        let orphans = directory.unmatchedCredentials.filter { !$0.isMachineAccount && !otherDomain.contains($0.source) }
        if let first = orphans.map(\.source).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning,
                    code: "cross.hash-without-account",
                    location: first,
                    message:
                        "\(Wording.count(orphans.count, "hash-dump entry", plural: "hash-dump entries")) \(orphans.count == 1 ? "matches" : "match") no account in the directory export (first here); their passwords were assessed on the hashes alone, named as in the dump and taken as enabled (the built-in accounts Windows creates disabled, and entries the dump marks disabled, excepted: the password assessment counts only the others), not against account flags or group privilege"
                )
            )
        }
        if let first = directory.otherDomainCredentials.map(\.source).min() {
            let count = directory.otherDomainCredentials.count
            diagnostics.append(
                Diagnostic(
                    level: .warning,
                    code: "cross.hash-other-domain",
                    location: first,
                    message:
                        "\(Wording.count(count, "hash-dump entry", plural: "hash-dump entries")) \(count == 1 ? "is" : "are") of another domain than the directory export's (first here: the domain its entries name is none of the export's, and no account of it has the same name and RID), so \(count == 1 ? "it joins" : "they join") none of its accounts, the built-in ones included (\(count == 1 ? "its password is" : "their passwords are") assessed on the hashes alone, as entries the export does not hold are): is the dump of the same domain as the export?"
                ))
        }
        let missing = directory.accounts.indices.filter { index in
            let account = directory.accounts[index]
            return account.kind != .computer && !account.control.contains(.disabled)
                && directory.credentialOfAccount[index] == nil
        }
        if let first = missing.map({ directory.accounts[$0].source }).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning,
                    code: "cross.account-without-hash",
                    location: first,
                    message:
                        "\(Wording.count(missing.count, "enabled account")) in the directory export \(missing.count == 1 ? "has" : "have") no entry in the hash dump (first here); \(missing.count == 1 ? "its password was" : "their passwords were") not assessed"
                )
            )
        }
        return diagnostics.sorted()
    }

    /// What the access analysis could not match, each summarised in one diagnostic pointing at the first instance:
    /// cycles of nested groups (condensed, so harmless, but worth untangling), group members that name nothing in the
    /// export, and permission entries naming principals the directory does not hold. Names are never quoted.
    static func access(_ context: AnalysisContext) -> [Diagnostic] {
        let estate = context.estate
        guard !estate.accounts.isEmpty || !estate.groups.isEmpty, !estate.grants.isEmpty else { return [] }
        let directory = context.shared.directory()
        var diagnostics: [Diagnostic] = []
        let cycles = directory.graph.cycles
        if let first = cycles.compactMap({ $0.first }).filter({ $0 < estate.groups.count }).map({
            estate.groups[$0].source
        }).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.group-cycle", location: first,
                    message:
                        "\(Wording.count(cycles.count, "cycle")) of nested groups (first here): each is treated as one group for who can read what"
                ))
        }
        if directory.unresolvedMembers > 0,
            let first = estate.groups.first(where: { !$0.members.isEmpty })?.source
        {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.member-unresolved", location: first,
                    message:
                        "\(Wording.count(directory.unresolvedMembers, "group member")) name no account or group of the directory export (foreign principals, deleted or out-of-scope entries); they are left out of who can read what"
                ))
        }
        if directory.assumedPrimaryGroups > 0,
            let first = estate.accounts.filter({ $0.primaryGroupID == nil }).map(\.source).min()
        {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.primary-group-assumed", location: first,
                    message:
                        "\(Wording.count(directory.assumedPrimaryGroups, "account")) in the directory export \(directory.assumedPrimaryGroups == 1 ? "has" : "have") no primaryGroupID (first here): taken to be in Active Directory's default, Domain Users (Domain Computers for computers); export primaryGroupID to be exact"
                ))
        }
        let unknown = estate.grants.filter { directory.resolve($0.principal) == .unknown }
        if let first = unknown.map(\.source).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.principal-unknown", location: first,
                    message:
                        "\(Wording.count(unknown.count, "permission entry", plural: "permission entries")) name principals the directory export does not hold (first here); who they let read is not counted"
                ))
        }
        return diagnostics
    }
}
