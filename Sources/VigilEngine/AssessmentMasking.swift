import VigilCore
import VigilScan

/// Health-service numbers in the names the evidence gives accounts, groups and hosts, masked as the scan masks them
/// (`943 *** **19`) in what the analyzers wrote, as the last stage before the assessment is put together.
///
/// Paths are masked as the estate is collected (``Estate/maskHealthNumbersInPaths()``); names are not, because the
/// analyses need them whole (a password that is the account's own name, a person's name in a guess). So an account,
/// group or host named with a patient's number (`pt9434765919`, a patient portal's accounts) is masked here, once, in
/// every place a name reaches: each finding's subject and related subjects, its detail, proof and text facts; the
/// tables, headlines, metrics and coverage notes; and the covered subjects' ids. A subject's id is masked with the rest and its fingerprint
/// computed again from the masked id, so that no hash of a number leaves either.
///
/// Only the numbers the names hold are masked, and only those in the issued and test ranges: another ten digits that
/// pass the check digit (an asset tag in a host's name, one number in eleven) stay as written, and an estate whose names
/// hold none, nearly every one, is passed over. SIDs are left whole (``PathMasking/insideSID(_:at:)``). Numbers whose
/// masks collide are told apart, `~1`, `~2`…, in the order of the numbers; as for paths, which is `~1` may change
/// with the next run's names, so a subject so told apart is never counted as covered.
struct AssessmentMasking {
    /// The numbers to mask.
    private let numbers: Set<UInt64>
    /// The masks of those told apart from another (``Estate/toldApart(_:)``).
    private let toldApart: [UInt64: String]

    /// The masking of the numbers in `names`.
    init(names: some Sequence<String>) {
        var numbers = Numbers()
        for name in names { numbers.add(name) }
        self.init(numbers.found)
    }

    /// The masking of the names in `estate` (``nameNumbers(in:)``), numbers told apart with its paths' when they were
    /// masked (``Estate/toldApartMasks``).
    init(estate: Estate) {
        let numbers = Self.nameNumbers(in: estate)
        self.numbers = numbers
        toldApart = estate.toldApartMasks ?? Estate.toldApart(numbers)
    }

    /// The issued and test numbers the names in `estate` hold: its accounts', groups' and hosts', the principals its
    /// hash dumps, permissions, access logs and role exports name, and the roles, scopes, applications and permissions
    /// of the role exports.
    static func nameNumbers(in estate: Estate) -> Set<UInt64> {
        var numbers = Numbers()
        for account in estate.accounts {
            numbers.add(account.name)
            numbers.add(account.displayName)
            numbers.add(account.distinguishedName)
            numbers.add(account.userPrincipalName)
        }
        for group in estate.groups {
            numbers.add(group.name)
            numbers.add(group.distinguishedName)
        }
        for host in estate.hosts { numbers.add(host.name) }
        for credential in estate.credentials { numbers.add(credential.accountName) }
        for grant in estate.grants { numbers.add(grant.principal) }
        for assignment in estate.roleAssignments {
            numbers.add(assignment.user)
            numbers.add(assignment.role)
            numbers.add(assignment.scope)
            numbers.add(assignment.application)
        }
        for permission in estate.rolePermissions {
            numbers.add(permission.role)
            numbers.add(permission.permission)
            numbers.add(permission.application)
        }
        for event in estate.accessEvents { numbers.add(event.principal) }
        return numbers.found
    }

    /// The masking of `numbers`, those whose masks collide told apart.
    private init(_ numbers: Set<UInt64>) {
        self.numbers = numbers
        toldApart = Estate.toldApart(numbers)
    }

    /// The issued and test numbers names hold.
    private struct Numbers {
        var found: Set<UInt64> = []

        mutating func add(_ name: String?) {
            guard let name, PathMasking.mayHoldNumber(name) else { return }
            found.formUnion(PathMasking.numbers(in: name).filter(HealthNumber.isIssuedOrTest))
        }
    }

    /// Whether there is anything to mask.
    var isEmpty: Bool { numbers.isEmpty }

    /// `text` with the numbers masked.
    func text(_ text: String) -> String {
        // Most ids with ten digits are SIDs, passed over without a copy.
        guard !numbers.isEmpty, PathMasking.mayHoldNumber(text), !PathMasking.isSID(text) else { return text }
        return PathMasking.replacing(in: text) { number in
            numbers.contains(number) ? toldApart[number] ?? HealthNumber.masked(number) : nil
        }
    }

    /// `subject` with its id and name masked.
    func subject(_ subject: Subject) -> Subject {
        Subject(kind: subject.kind, id: text(subject.id), name: text(subject.name))
    }

    /// Masks every text of `finding` that can hold a name; its fingerprint follows its masked subject.
    func mask(_ finding: inout Finding) {
        let subject = subject(finding.subject)
        if subject != finding.subject {
            finding.subject = subject
            finding.fingerprint = Finding.fingerprint(rule: finding.rule, subject: subject)
        }
        if finding.related.contains(where: { PathMasking.mayHoldNumber($0.id) || PathMasking.mayHoldNumber($0.name) }) {
            finding.related = finding.related.map(self.subject)
        }
        let detail = text(finding.detail)
        if detail != finding.detail { finding.detail = detail }
        if finding.proof.contains(where: PathMasking.mayHoldNumber) { finding.proof = finding.proof.map(text) }
        for (name, value) in finding.facts where PathMasking.mayHoldNumber(value) {
            switch Finding.factKind(name) {
            case .text, .list:
                let masked = text(value)
                if masked != value { finding.facts[name] = masked }
            case .integer, .boolean, .date: break
            }
        }
    }

    /// Masks every finding, table, headline, metric, coverage basis and covered id; nothing when no name holds a
    /// number.
    func mask(
        findings: inout [Finding], tables: inout [SummaryTable], headlines: inout [Headline],
        metrics: inout [Metric], coverage: inout [Coverage], covered: inout [CoveredSubjects]
    ) {
        guard !isEmpty else { return }
        for index in findings.indices { mask(&findings[index]) }
        // Metrics name what they measure (the widest grant's principal and folder, the widest role).
        for index in metrics.indices {
            metrics[index].label = text(metrics[index].label)
            metrics[index].note = metrics[index].note.map(text)
        }
        for index in coverage.indices { coverage[index].basis = text(coverage[index].basis) }
        for index in tables.indices {
            tables[index].rows = tables[index].rows.map { $0.map(text) }
            tables[index].note = tables[index].note.map(text)
        }
        for index in headlines.indices { headlines[index].text = text(headlines[index].text) }
        for index in covered.indices {
            covered[index].ids = coveredIDs(covered[index].ids)
        }
        let withheld = Self.foldersWithMaskedPrincipals(findings)
        for index in covered.indices where covered[index].kind == .resource && !withheld.isEmpty {
            covered[index].ids.removeAll(where: withheld.contains)
        }
    }

    /// `ids` masked, sorted, without a subject told apart from another (`~2`): the next run may number it otherwise,
    /// and its ticket would be fixed by that renumbering. The same array when no id changes (SIDs, paths).
    func coveredIDs(_ ids: [String]) -> [String] {
        var changed = false
        var masked = ids.map { id in
            let result = text(id)
            if result != id { changed = true }
            return result
        }
        guard changed else { return ids }
        masked.removeAll { $0.contains("~") && Estate.holdsToldApartNumber($0) }
        return masked.sorted()
    }

    /// The folders (the part of a permission's id before `|`: a path, or `usage:` and a path) of the permissions
    /// found whose principal holds a masked number. A permission is covered through its folder, and such a principal's
    /// mask may change with the next run's names (told apart, or no longer): the old ticket, on the old mask, would be
    /// fixed while the grant stands. So such a folder's permissions are not counted as covered: their tickets wait.
    static func foldersWithMaskedPrincipals(_ findings: [Finding]) -> Set<String> {
        var folders: Set<String> = []
        for finding in findings where finding.subject.kind == .resource {
            let id = finding.subject.id
            guard let bar = id.firstIndex(of: "|"), id[bar...].contains("*** **") else { continue }
            folders.insert(String(id[..<bar]))
        }
        return folders
    }
}
