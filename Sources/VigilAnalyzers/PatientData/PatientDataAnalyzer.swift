public import VigilCore

/// Patient data in files: lists and bulk exports on shares (from `vigil scan` or the manifest's `scan:` section),
/// joined with NTFS permissions (icacls, Get-Acl) to say who can read them, and with host inventories to say whether
/// the disk under them is encrypted. A list readable by Everyone, Authenticated Users or Domain Users is critical.
/// Who can read patient data in general (effective access through groups, the area "access to confidential data") is
/// the `AccessAnalyzer`'s.
public struct PatientDataAnalyzer: Analyzer {
    public let name = "patient-data"
    public let rules: [RuleID] = [
        .patientListBroadAccess, .patientBulkExport, .patientList, .patientListUnencryptedDisk,
    ]

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let estate = context.estate
        guard !estate.fileScans.isEmpty || !estate.patientData.isEmpty else {
            return AnalyzerOutput()
        }
        let permissions = PermissionIndex(estate.grants)
        let hosts = Dictionary(estate.hosts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let lists = estate.patientData.filter(\.isPatientList).sorted()
        var findings: [Finding] = []
        var broad = 0
        var unknown = 0
        var unencrypted: [String: Int] = [:]
        for exposure in lists {
            let evidence = EvidenceReference(file: exposure.path, line: exposure.identifiers.first?.location.line)
            let subject = Subject(kind: .file, id: exposure.aclPath ?? exposure.path, name: exposure.path)
            var facts = [
                "classification": exposure.classification.rawValue, "patients": String(exposure.patients),
                "confidence": exposure.confidence.rawValue,
                "identifiers": exposure.identifiers.map { "\($0.kind.rawValue) \($0.count)/\($0.distinct)" }.joined(
                    separator: "; "),
            ]
            if let acl = exposure.aclPath { facts["aclPath"] = acl }
            var access = ""
            var grantEvidence: [EvidenceReference] = []
            if let acl = exposure.aclPath, let found = permissions.grants(for: acl) {
                let readers = found.grants.filter { $0.access == .allow && $0.right.includesRead }
                let open = readers.compactMap { grant in PermissionIndex.broadGroup(grant.principal).map { (grant, $0) }
                }
                grantEvidence = found.grants.map(\.source)
                if open.isEmpty {
                    access = " Readable by \(Self.list(readers.map(\.principal))) (permissions of \(found.path))."
                } else {
                    broad += 1
                    let who = Self.list(open.map { "\($0.0.principal) (\($0.0.right.rawValue))" })
                    findings.append(
                        Finding(
                            rule: .patientListBroadAccess, subject: subject,
                            detail:
                                "\(Self.describe(exposure)) It is readable by \(who) through the permissions of \(found.path): everyone in the organisation can open it.",
                            evidence: [evidence] + open.map(\.0.source),
                            related: open.map {
                                Subject(kind: .group, id: $0.0.principal.lowercased(), name: $0.0.principal)
                            },
                            facts: facts.merging(["readableBy": open.map(\.1).joined(separator: ", ")]) { $1 }))
                    access = " Readable by \(who)."
                }
            } else {
                unknown += 1
                access = " Who can read it is not in the evidence."
            }
            var disk = ""
            if let host = exposure.host, let machine = hosts[host.lowercased()], machine.diskEncrypted == false {
                unencrypted[machine.name, default: 0] += 1
                disk = " The disk of \(machine.name) is not encrypted."
                findings.append(
                    Finding(
                        rule: .patientListUnencryptedDisk, subject: subject,
                        detail:
                            "\(Self.describe(exposure)) It is stored on \(machine.name), whose disk is not encrypted.",
                        evidence: [evidence] + machine.sources, facts: facts.merging(["host": machine.name]) { $1 }))
            }
            findings.append(
                Finding(
                    rule: exposure.classification == .bulkExport ? .patientBulkExport : .patientList, subject: subject,
                    detail: Self.describe(exposure) + access + disk, evidence: [evidence] + grantEvidence.prefix(5),
                    facts: facts))
        }
        let exposures = estate.patientData
        let files = estate.fileScans.reduce(0) { $0 + $1.files }
        let failed = estate.fileScans.reduce(0) { $0 + $1.filesFailed }
        let bulk = lists.filter { $0.classification == .bulkExport }.count
        let single = exposures.filter { $0.classification == .singleIdentifier }.count
        let metrics = [
            Metric(id: "patients.files-scanned", label: "Files scanned for patient identifiers", value: files),
            Metric(
                id: "patients.files-with-identifiers", label: "Files holding patient identifiers",
                value: exposures.filter { $0.classification != .testData }.count, total: files),
            Metric(
                id: "patients.lists", label: "Files listing patients (5 or more)", value: lists.count, total: files,
                rules: [.patientList, .patientBulkExport]),
            Metric(
                id: "patients.bulk-exports", label: "Bulk exports (1,000 patients or more)", value: bulk, total: files,
                rules: [.patientBulkExport]),
            Metric(
                id: "patients.single-identifier-files", label: "Files about one or a few patients", value: single,
                total: files),
            Metric(
                id: "patients.test-data-files", label: "Files holding only test-range numbers",
                value: exposures.filter { $0.classification == .testData }.count, total: files),
            Metric(
                id: "patients.in-lists", label: "Patients in lists (counted file by file)",
                value: lists.reduce(0) { $0 + $1.patients }),
            Metric(
                id: "patients.lists-broadly-readable",
                label: "Patient lists readable by Everyone, Authenticated Users or Domain Users", value: broad,
                total: lists.count, rules: [.patientListBroadAccess]),
            Metric(
                id: "patients.lists-permissions-unknown",
                label: "Patient lists whose permissions are not in the evidence",
                value: unknown, total: lists.count),
            Metric(
                id: "patients.lists-unencrypted-disk", label: "Patient lists on hosts whose disk is not encrypted",
                value: unencrypted.values.reduce(0, +), total: lists.count, rules: [.patientListUnencryptedDisk]),
            Metric(id: "patients.files-unreadable", label: "Files that could not be read", value: failed, total: files),
        ]
        var headlines: [Headline] = []
        if lists.isEmpty {
            headlines.append(
                Headline(
                    area: .patientData,
                    text:
                        "No file lists patients in the \(Wording.count(files, "file")) scanned\(single > 0 ? "; \(Wording.count(single, "file")) \(single == 1 ? "holds" : "hold") one or a few patients' identifiers" : "").",
                    severity: nil,
                    metrics: ["patients.lists", "patients.files-scanned"]
                        + (single > 0 ? ["patients.single-identifier-files"] : [])))
        } else {
            var text =
                "\(Wording.count(lists.count, "file")) on shares \(lists.count == 1 ? "lists" : "list") patients (\(Wording.count(lists.reduce(0) { $0 + $1.patients }, "patient")) counted file by file)"
            if bulk > 0 { text += ", \(Wording.number(bulk)) of them bulk export\(bulk == 1 ? "" : "s")" }
            text +=
                broad > 0
                ? "; \(Wording.number(broad)) \(broad == 1 ? "is" : "are") readable by everyone in the organisation (Everyone, Authenticated Users or Domain Users)."
                : "."
            headlines.append(
                Headline(
                    area: .patientData, text: text, severity: broad > 0 ? .critical : bulk > 0 ? .high : .medium,
                    metrics: ["patients.lists", "patients.in-lists"] + (bulk > 0 ? ["patients.bulk-exports"] : [])
                        + (broad > 0 ? ["patients.lists-broadly-readable"] : [])))
        }
        if !unencrypted.isEmpty {
            let count = unencrypted.values.reduce(0, +)
            headlines.append(
                Headline(
                    area: .patientData,
                    text:
                        "\(Wording.count(count, "patient list")) \(count == 1 ? "sits" : "sit") on \(Self.list(unencrypted.keys.sorted())), whose disk is not encrypted.",
                    severity: .high, metrics: ["patients.lists-unencrypted-disk"]))
        }
        var basis =
            "\(Wording.count(files, "file")) scanned in \(Wording.count(estate.fileScans.count, "folder tree")) for NHS, CHI, H&C and hospital numbers, dates of birth beside names and postcodes"
        if failed > 0 { basis += "; \(Wording.count(failed, "file")) could not be read" }
        if !lists.isEmpty {
            basis +=
                unknown == 0
                ? "; permissions known for every patient list"
                : "; who can read \(Wording.number(unknown)) of \(Wording.count(lists.count, "patient list")) is not known (provide icacls or Get-Acl exports of their folders)"
        }
        let status: Coverage.Status = failed > 0 || unknown > 0 ? .partial : .assessed
        return AnalyzerOutput(
            findings: findings, metrics: metrics,
            coverage: [
                Coverage(area: .patientData, status: status, basis: basis)
            ],
            headlines: headlines)
    }

    /// "A patient list of 500 patients: NHS numbers (500 distinct, sample 401 *** **37, line 2), dates of birth (…)."
    static func describe(_ exposure: PatientDataExposure) -> String {
        let parts = exposure.identifiers.filter { $0.count > 0 }.map { tally in
            "\(tally.kind.plural) (\(Wording.number(tally.distinct)) distinct, e.g. \(tally.sample) at \(tally.location))"
        }
        return
            "A \(exposure.classification.title) of \(Wording.count(exposure.patients, "patient")) (\(exposure.confidence.rawValue) confidence): \(parts.joined(separator: ", "))."
    }

    static func list(_ items: [String]) -> String {
        let unique = Array(Set(items)).sorted()
        switch unique.count {
        case 0: return "nobody listed"
        case 1: return unique[0]
        default: return unique.dropLast().joined(separator: ", ") + " and " + unique.last!
        }
    }
}
