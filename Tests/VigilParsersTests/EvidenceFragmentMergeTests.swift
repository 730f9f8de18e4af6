import Foundation
import Testing
import VigilCore
import VigilParsers

/// How fragments combine (`EstateCollections`), held to every collection a fragment has. The collections are found by
/// reflection, so a collection added to `EvidenceFragment` later fails these tests until the sample fills it and the
/// merge carries it.
@Suite("Evidence fragment merging")
struct EvidenceFragmentMergeTests {
    /// A fragment of `file` with one fact in every collection, each read at `line`.
    static func filled(file: String, line: Int) -> EvidenceFragment {
        let source = EvidenceReference(file: file, line: line)
        var fragment = EvidenceFragment(file: file)
        fragment.domains = [
            DirectoryDomain(
                distinguishedName: "DC=example,DC=nhs", dnsName: "example.nhs", passwordPolicy: PasswordPolicy(),
                source: source)
        ]
        fragment.accounts = [Account(name: "amy.hall", source: source)]
        fragment.groups = [
            DirectoryGroup(distinguishedName: "CN=Staff,DC=example,DC=nhs", name: "Staff", source: source)
        ]
        fragment.credentials = [
            CredentialRecord(accountName: "amy.hall", rid: 1104, ntHash: nil, hasLMHash: false, source: source)
        ]
        fragment.hosts = [
            Machine(
                name: "PC-01", operatingSystem: OperatingSystem(name: "Windows 10 Enterprise"),
                operatingSystemSource: source, installedUpdates: [InstalledUpdate(kb: "KB5039211", source: source)],
                sources: [source, source])
        ]
        fragment.resources = [
            Resource(
                id: "share:clinical", name: "Clinical", kind: .share, classification: .confidential, source: source)
        ]
        fragment.grants = [Grant(resourceID: "share:clinical", principal: "Everyone", right: .read, source: source)]
        fragment.accessEvents = [
            AccessEvent(
                time: Date(timeIntervalSince1970: 1_700_000_000), principal: "amy.hall", resourceID: "share:clinical",
                action: "read", succeeded: true, source: source)
        ]
        fragment.advisories = [Advisory(id: "CVE-2017-0144", title: "SMBv1 remote code execution", source: source)]
        fragment.networkObservations = [
            NetworkObservation(address: "10.0.0.5", port: 445, transport: "tcp", open: true, source: source)
        ]
        fragment.claims = [Claim(id: "1.1", statement: "Staff are trained", answer: .yes, source: source)]
        fragment.fileScans = [
            FileScanRecord(root: "shares/clinical", files: 3, bytes: 300, filesRead: 3, filesSkipped: 0, filesFailed: 0)
        ]
        fragment.patientData = [
            PatientDataExposure(
                path: "shares/clinical/list.csv", bytes: 100, format: "csv", classification: .patientList,
                patients: 60, confidence: .high,
                identifiers: [
                    IdentifierTally(
                        kind: .nhsNumber, count: 60, distinct: 60, confidence: .high, sample: "943 *** ***0",
                        location: ContentLocation(line: line))
                ])
        ]
        fragment.roleAssignments = [
            RoleAssignment(user: "amy.hall", role: "Ward Clerk", scope: "Ward 7", source: source)
        ]
        fragment.rolePermissions = [
            RolePermission(
                role: "Ward Clerk", permission: "Read patient record", sensitivity: .patientConfidential,
                source: source)
        ]
        return fragment
    }

    /// The collections of `value` by name, with their element counts (every array property; the fragment's log and
    /// the estate's organisation are not collections).
    static func collections(of value: Any) -> [String: Int] {
        var counts: [String: Int] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, !(child.value is String), let elements = child.value as? any Collection
            else {
                continue
            }
            counts[label] = elements.count
        }
        return counts
    }

    /// The line of every evidence reference reachable from `value`, however deeply nested.
    static func referencedLines(in value: Any) -> [Int?] {
        if let reference = value as? EvidenceReference { return [reference.line] }
        return Mirror(reflecting: value).children.flatMap { referencedLines(in: $0.value) }
    }

    /// The sample's collections, without its log (which `DiagnosticLog` combines, not the model).
    static func facts(of fragment: EvidenceFragment) -> [Any] {
        Mirror(reflecting: fragment).children.filter { $0.label != "log" }.map(\.value)
    }

    @Test("the sample fills every collection a fragment has, and the estate has the same collections")
    func sampleIsComplete() {
        let collections = Self.collections(of: Self.filled(file: "a.ldif", line: 1))
        #expect(collections.count >= 13)
        for (name, count) in collections { #expect(count == 1, "the sample leaves \(name) empty") }
        let estate = Self.collections(of: Estate(organisation: .unnamed))
        #expect(Set(estate.keys) == Set(collections.keys))
    }

    @Test("appending keeps both fragments' facts in every collection, in order")
    func appendCarriesEveryCollection() {
        var merged = Self.filled(file: "a.ldif", line: 1)
        merged.append(contentsOf: Self.filled(file: "a.ldif", line: 2))
        for (name, count) in Self.collections(of: merged) { #expect(count == 2, "\(name) was not merged") }
        #expect(merged.accounts.map(\.source.line) == [1, 2])
        #expect(merged.patientData.map(\.identifiers[0].location.line) == [1, 2])
    }

    @Test("an estate takes every collection of a fragment, sharing its storage when empty")
    func estateTakesEveryCollection() {
        var estate = Estate(organisation: .unnamed)
        estate.append(contentsOf: Self.filled(file: "a.ldif", line: 1))
        estate.append(contentsOf: Self.filled(file: "b.csv", line: 5))
        for (name, count) in Self.collections(of: estate) { #expect(count == 2, "\(name) was not taken") }
        #expect(
            estate.grants.map(\.source) == [
                EvidenceReference(file: "a.ldif", line: 1), EvidenceReference(file: "b.csv", line: 5),
            ])
    }

    @Test("a segment's line numbers shift by its offset in every reference, and only there", arguments: [0, 1, 4_000])
    func segmentLineOffsets(offset: Int) {
        var segment = Self.filled(file: "big.ldif", line: 3)
        let before = Self.facts(of: segment).flatMap(Self.referencedLines)
        segment.shiftLines(by: offset)
        let after = Self.facts(of: segment).flatMap(Self.referencedLines)
        // Twelve collections carry one reference per fact; the host carries four (its system, two sources, an update);
        // the scan's two carry none.
        #expect(before.count == 12 + 4)
        #expect(before.allSatisfy { $0 == 3 })
        #expect(after == before.map { $0.map { $0 + offset } })
        // A position inside a scanned file is not a line of the evidence file.
        #expect(segment.patientData[0].identifiers[0].location.line == 3)
    }

    @Test("a reference without a line stays without one")
    func referenceWithoutLine() {
        var segment = EvidenceFragment(file: "hosts.json")
        segment.hosts = [Machine(name: "PC-01", sources: [EvidenceReference(file: "hosts.json")])]
        segment.shiftLines(by: 10)
        #expect(segment.hosts[0].sources[0].line == nil)
    }
}
