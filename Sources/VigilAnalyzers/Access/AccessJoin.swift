public import VigilCore

/// Findings that join two analyses: accounts with weak or shared passwords (the credential analyzer's findings) that
/// can read patient data (the access analysis). Run by the engine after every analyzer, because it reads findings
/// another analyzer raised; a pure function of those findings and the estate.
public enum AccessJoin {
    /// The credential rules whose accounts an attacker can take over.
    static let weakPasswordRules: Set<RuleID> = [
        .breachedPassword, .guessablePassword, .emptyPassword, .usernameAsPassword, .sharedPassword,
        .privilegedSharedPassword,
    ]
    /// The rules whose related accounts share the subject's password.
    static let sharingRules: Set<RuleID> = [.sharedPassword, .privilegedSharedPassword]

    /// One finding per enabled account whose password is weak or shared and that can read patient data, itself or,
    /// for a shared password, through any account sharing it; with the metric counting them.
    public static func findings(_ credentialFindings: [Finding], context: AnalysisContext) -> (
        findings: [Finding], metrics: [Metric]
    ) {
        let weak = credentialFindings.filter { weakPasswordRules.contains($0.rule) && $0.subject.kind == .account }
        guard !weak.isEmpty, AccessAnalyzer.missingEvidence(context.estate) == nil else { return ([], []) }
        let reach = context.shared.accessReach()
        // Findings name accounts by ``Account/id``, written from the same accounts: looked up exactly.
        let ids = context.shared.accountIDs()
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(ids.count)
        for index in ids.indices { indexByID[ids[index]] = index }
        // Any account the credential analyzer names, service and built-in ones included: svc_backup with a shared
        // password and Everyone's read on a log folder of patient data is as much a way in as a member of staff.
        func reaches(_ subject: Subject) -> Bool { indexByID[subject.id].map(reach.canRead) ?? false }
        // A shared-password group carries the reach of any member to all of them. A finding lists at most
        // `Finding.relatedLimit` of the others, so groups are taken whole from their label, not from `related`.
        var carriers: [String: Subject] = [:]
        for finding in weak where sharingRules.contains(finding.rule) && reaches(finding.subject) {
            guard let group = finding.facts["sharedGroup"] else { continue }
            if let known = carriers[group], known < finding.subject { continue }
            carriers[group] = finding.subject
        }
        // Why each account counts: the credential rules that name it and, for shared passwords, who carries the reach.
        var reasons: [String: (subject: Subject, rules: Set<RuleID>, through: String?, evidence: [EvidenceReference])] =
            [:]
        for finding in weak where indexByID[finding.subject.id] != nil {
            let own = reaches(finding.subject)
            let sharers = sharingRules.contains(finding.rule) ? finding.related.filter { $0.kind == .account } : []
            let carrier =
                own
                ? nil
                : sharingRules.contains(finding.rule)
                    ? finding.facts["sharedGroup"].flatMap { carriers[$0] } ?? sharers.first(where: reaches) : nil
            guard own || carrier != nil else { continue }
            let key = finding.subject.id.lowercased()
            var entry = reasons[key] ?? (finding.subject, [], nil, [])
            entry.rules.insert(finding.rule)
            if let carrier, entry.through == nil { entry.through = carrier.name }
            if own { entry.through = nil }
            entry.evidence += finding.evidence.prefix(1)
            reasons[key] = entry
        }
        let throughRoles = { (subject: Subject) in
            indexByID[subject.id].map(reach.roles.reaching.contains) ?? false
        }
        let findings = reasons.values.sorted { $0.subject < $1.subject }.map { entry in
            let why = entry.rules.map { RuleCatalogue.rule($0).title.lowercased() }.sorted().joined(
                separator: "; ")
            let how =
                entry.through.map {
                    "shares its password with \($0), who can read patient data, so whoever knows it can too"
                }
                ?? (throughRoles(entry.subject)
                    ? "can read patient records through its clinical roles"
                    : "can read files holding patient identifiers")
            return Finding(
                rule: .accessWeakPasswordReachesPatientData, subject: entry.subject,
                detail: "\(entry.subject.name) (\(why)) \(how).", evidence: Array(Set(entry.evidence)).sorted(),
                facts: [
                    "credentialRules": entry.rules.map(\.rawValue).sorted().joined(separator: ", "),
                    "reachThrough": entry.through ?? "own access",
                ])
        }
        let metric = Metric(
            id: "access.weak-passwords-reaching-patient-data",
            label: "Accounts with weak or shared passwords that can read patient data", value: findings.count,
            rules: [.accessWeakPasswordReachesPatientData])
        return (findings, [metric])
    }
}
