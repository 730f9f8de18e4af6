import VigilCore

extension PatientDataAnalyzer {
    /// Counts what the scan found and raises, for each patient list, the findings on who can read it and where it is.
    /// `domains` gives the directory's domain SIDs, asked for only when a grant names Domain Users by SID (the
    /// directory is built once per assessment, ``SharedAnalyses/directory()``).
    func review(_ estate: Estate, domains: () -> Set<String> = { [] }) -> Review {
        let lists = estate.patientData.filter(\.isPatientList).sorted()
        var review = Review(
            folders: estate.fileScans.count, emptyFolders: estate.fileScans.filter(\.isEmpty).count,
            files: estate.fileScans.reduce(0) { $0 + $1.files },
            read: estate.fileScans.reduce(0) { $0 + $1.filesRead },
            skipped: estate.fileScans.reduce(0) { $0 + $1.filesSkipped },
            failed: estate.fileScans.reduce(0) { $0 + $1.filesFailed }, exposures: estate.patientData, lists: lists,
            bulk: lists.filter { $0.classification == .bulkExport }.count,
            single: estate.patientData.filter { $0.classification == .singleIdentifier }.count)
        let permissions = PermissionIndex(estate.grants)
        let hosts = Dictionary(estate.hosts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for exposure in lists {
            Self.review(exposure, permissions: permissions, hosts: hosts, domains: domains, into: &review)
        }
        return review
    }

    /// Raises a list's findings: readable by everyone (when it is), on an unencrypted disk (when it is), and the list
    /// itself, whose detail says both.
    private static func review(
        _ exposure: PatientDataExposure, permissions: PermissionIndex, hosts: [String: Machine],
        domains: () -> Set<String>, into review: inout Review
    ) {
        let evidence = EvidenceReference(file: exposure.path, line: exposure.identifiers.first?.location.line)
        let subject = Subject(kind: .file, id: exposure.aclPath ?? exposure.path, name: exposure.path)
        var facts = [
            "classification": exposure.classification.rawValue, "patients": String(exposure.patients),
            "confidence": exposure.confidence.rawValue,
            "identifiers": exposure.identifiers.map { "\($0.kind.rawValue) \($0.count)/\($0.distinct)" }.joined(
                separator: "; "),
        ]
        if let acl = exposure.aclPath { facts["aclPath"] = acl }
        let (access, grantEvidence) = readers(
            of: exposure, subject: subject, evidence: evidence, facts: facts, permissions: permissions,
            domains: domains, into: &review)
        let disk = disk(of: exposure, subject: subject, evidence: evidence, facts: facts, hosts: hosts, into: &review)
        review.findings.append(
            Finding(
                rule: exposure.classification == .bulkExport ? .patientBulkExport : .patientList, subject: subject,
                detail: describe(exposure) + access + disk, evidence: [evidence] + grantEvidence.prefix(5),
                facts: facts))
    }

    /// Who can read the list, as a sentence for its finding, with the grants read; raises the finding for a list
    /// readable by a group that holds everyone — of the organisation, or of another domain (Domain Users named by a
    /// SID of a domain other than the directory's: a trusted domain's every user, still broad, but not this
    /// organisation's staff).
    private static func readers(
        of exposure: PatientDataExposure, subject: Subject, evidence: EvidenceReference, facts: [String: String],
        permissions: PermissionIndex, domains: () -> Set<String>, into review: inout Review
    ) -> (String, [EvidenceReference]) {
        guard let acl = exposure.aclPath, let found = permissions.grants(for: acl) else {
            review.unknown += 1
            return (" Who can read it is not in the evidence.", [])
        }
        let readers = found.grants.filter { $0.access == .allow && $0.right.includesRead }
        let open = readers.compactMap { grant in
            PermissionIndex.broadGroup(grant.principal).map { group in
                let foreign =
                    group == "Domain Users" && grant.principal.lowercased().hasPrefix("s-1-5-21-")
                    && DirectoryAccess.isForeign(grant.principal, domains: domains())
                return (grant, foreign ? "Domain Users of another domain" : group)
            }
        }
        let grantEvidence = found.grants.map(\.source)
        guard !open.isEmpty else {
            return (" Readable by \(list(readers.map(\.principal))) (permissions of \(found.path)).", grantEvidence)
        }
        review.broad += 1
        let who = list(open.map { "\($0.0.principal) (\($0.0.right.rawValue))" })
        review.findings.append(
            Finding(
                rule: .patientListBroadAccess, subject: subject,
                detail:
                    "\(describe(exposure)) It is readable by \(who) through the permissions of \(found.path): \(reach(open.map(\.1)))",
                evidence: [evidence] + open.map(\.0.source),
                related: open.map { Subject(kind: .group, id: $0.0.principal.lowercased(), name: $0.0.principal) },
                facts: facts.merging(["readableBy": open.map(\.1).joined(separator: ", ")]) { $1 }))
        return (" Readable by \(who).", grantEvidence)
    }

    /// Who the broad groups `groups` hold, as the end of a finding's sentence.
    static func reach(_ groups: [String]) -> String {
        groups.allSatisfy { $0 == "Domain Users of another domain" }
            ? "every user of another domain can open it (Domain Users by a SID the directory export does not hold)."
            : "everyone in the organisation can open it."
    }

    /// Whether the list's disk is known to be unencrypted, as a sentence for its finding; raises the finding when it
    /// is.
    private static func disk(
        of exposure: PatientDataExposure, subject: Subject, evidence: EvidenceReference, facts: [String: String],
        hosts: [String: Machine], into review: inout Review
    ) -> String {
        // The host as the scan names it, or, for a qualified name, the short name its inventories were merged under.
        guard let host = exposure.host?.lowercased(),
            let machine = hosts[host] ?? Machine.shortName(ofQualified: host).flatMap({ hosts[String($0)] }),
            machine.diskEncrypted == false
        else {
            return ""
        }
        review.unencrypted[machine.name, default: 0] += 1
        review.findings.append(
            Finding(
                rule: .patientListUnencryptedDisk, subject: subject,
                detail: "\(describe(exposure)) It is stored on \(machine.name), whose disk is not encrypted.",
                evidence: [evidence] + machine.sources, facts: facts.merging(["host": machine.name]) { $1 }))
        return " The disk of \(machine.name) is not encrypted."
    }
}
