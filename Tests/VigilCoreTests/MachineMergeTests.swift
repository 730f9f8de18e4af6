import Foundation
import Testing
import VigilCore

@Suite("Machine merging")
struct MachineMergeTests {
    static let systeminfo = EvidenceReference(file: "hosts/systeminfo/PC-01.txt", line: 1)
    static let wmic = EvidenceReference(file: "hosts/wmic-qfe.csv", line: 4)
    static let osquery = EvidenceReference(file: "hosts/osquery.json", line: 12)

    static func update(_ kb: String, _ source: EvidenceReference) -> InstalledUpdate {
        InstalledUpdate(kb: kb, source: source)
    }

    static let buildOnly = OperatingSystem(
        name: "Microsoft Windows 10 Enterprise", version: "10.0.19045", build: 19045, architecture: "x64-based PC")
    static let withRevision = OperatingSystem(
        name: "Windows 10 Enterprise", version: "10.0.19045", build: 19045, revision: 4529, architecture: "x86_64")

    @Test("updates are united by KB, the first source of each kept, in order of first appearance")
    func updates() {
        let first = Machine(
            name: "PC-01",
            installedUpdates: [Self.update("KB5039211", Self.systeminfo), Self.update("KB890830", Self.systeminfo)],
            sources: [Self.systeminfo])
        let second = Machine(
            name: "pc-01", installedUpdates: [Self.update("KB890830", Self.wmic), Self.update("KB5037768", Self.wmic)],
            sources: [Self.wmic])
        let merged = first.merging(second)
        #expect(merged.installedUpdates.map(\.kb) == ["KB5039211", "KB890830", "KB5037768"])
        #expect(merged.installedUpdates.map(\.source) == [Self.systeminfo, Self.systeminfo, Self.wmic])
        #expect(merged.updatesListed)
        #expect(merged.name == "PC-01")
    }

    @Test("an empty but listed update list from one source makes the merged host listed")
    func listed() {
        let unlisted = Machine(name: "PC-01", operatingSystem: Self.withRevision, sources: [Self.osquery])
        let listed = Machine(name: "PC-01", updatesListed: true, sources: [Self.wmic])
        #expect(!unlisted.updatesListed)
        #expect(unlisted.merging(listed).updatesListed)
        #expect(listed.merging(unlisted).updatesListed)
        #expect(!unlisted.merging(unlisted).updatesListed)
    }

    @Test("the operating system with the more precise version wins, whichever source comes first")
    func operatingSystem() {
        let coarse = Machine(
            name: "PC-01", operatingSystem: Self.buildOnly, operatingSystemSource: Self.systeminfo,
            sources: [Self.systeminfo])
        let precise = Machine(
            name: "PC-01", operatingSystem: Self.withRevision, operatingSystemSource: Self.osquery,
            sources: [Self.osquery])
        let none = Machine(name: "PC-01", sources: [Self.wmic])
        #expect(coarse.merging(precise).operatingSystem == Self.withRevision)
        #expect(coarse.merging(precise).operatingSystemSource == Self.osquery)
        #expect(precise.merging(coarse).operatingSystem == Self.withRevision)
        #expect(precise.merging(coarse).operatingSystemSource == Self.osquery)
        #expect(none.merging(coarse).operatingSystem == Self.buildOnly)
        #expect(none.merging(coarse).operatingSystemSource == Self.systeminfo)
        #expect(coarse.merging(none).operatingSystem == Self.buildOnly)
        // Equally precise: the first is kept.
        var renamed = Self.buildOnly
        renamed.name = "Microsoft Windows 10 Entreprise"
        let french = Machine(
            name: "PC-01", operatingSystem: renamed, operatingSystemSource: Self.wmic, sources: [Self.wmic])
        #expect(coarse.merging(french).operatingSystem == Self.buildOnly)
        #expect(french.merging(coarse).operatingSystem == renamed)
    }

    @Test(
        "SMBv1 enabled wins over disabled, and a stated value over none",
        arguments: [
            (true, false, true), (false, true, true), (false, false, false), (nil, false, false), (true, nil, true),
            (nil, nil, nil),
        ] as [(Bool?, Bool?, Bool?)])
    func smb1(first: Bool?, second: Bool?, merged: Bool?) {
        let one = Machine(name: "PC-01", smbVersion1Enabled: first, sources: [Self.systeminfo])
        let two = Machine(name: "PC-01", smbVersion1Enabled: second, sources: [Self.osquery])
        #expect(one.merging(two).smbVersion1Enabled == merged)
    }

    @Test(
        "an unencrypted disk wins over an encrypted one, and a stated value over none",
        arguments: [
            (true, false, false), (false, true, false), (true, true, true), (nil, true, true), (false, nil, false),
            (nil, nil, nil),
        ] as [(Bool?, Bool?, Bool?)])
    func encryption(first: Bool?, second: Bool?, merged: Bool?) {
        let one = Machine(name: "PC-01", diskEncrypted: first, sources: [Self.systeminfo])
        let two = Machine(name: "PC-01", diskEncrypted: second, sources: [Self.osquery])
        #expect(one.merging(two).diskEncrypted == merged)
    }

    @Test("sources are united, each once")
    func sources() {
        let one = Machine(name: "PC-01", sources: [Self.wmic, Self.systeminfo])
        let two = Machine(name: "PC-01", sources: [Self.systeminfo, Self.osquery])
        #expect(Set(one.merging(two).sources) == [Self.systeminfo, Self.wmic, Self.osquery])
        #expect(one.merging(two).sources.count == 3)
    }

    @Test("programs are united, each once")
    func programs() {
        let edge = InstalledProgram(
            name: "Microsoft Edge", version: "120.0.2210.91", publisher: "Microsoft Corporation")
        let reader = InstalledProgram(name: "Adobe Acrobat Reader", version: "23.008.20470")
        let one = Machine(name: "PC-01", installedPrograms: [edge], sources: [Self.osquery])
        let two = Machine(name: "PC-01", installedPrograms: [reader, edge], sources: [Self.systeminfo])
        #expect(one.merging(two).installedPrograms == [edge, reader])
    }

    @Test("mergedByName merges hosts case-insensitively and keeps the order of first appearance")
    func mergedByName() {
        let hosts = [
            Machine(
                name: "PC-B", installedUpdates: [Self.update("KB5039211", Self.systeminfo)], sources: [Self.systeminfo]),
            Machine(name: "pc-a", smbVersion1Enabled: false, sources: [Self.systeminfo]),
            Machine(name: "pc-b", installedUpdates: [Self.update("KB5037768", Self.wmic)], sources: [Self.wmic]),
            Machine(name: "PC-C", sources: [Self.osquery]),
            Machine(name: "PC-A", smbVersion1Enabled: true, sources: [Self.osquery]),
        ]
        let merged = Machine.mergedByName(hosts)
        #expect(merged.map(\.name) == ["PC-B", "pc-a", "PC-C"])
        #expect(merged[0].installedUpdates.map(\.kb) == ["KB5039211", "KB5037768"])
        #expect(Set(merged[0].sources) == [Self.systeminfo, Self.wmic])
        #expect(merged[1].smbVersion1Enabled == true)
        #expect(merged[2].sources == [Self.osquery])
        #expect(Machine.mergedByName([]).isEmpty)
    }

    @Test("a fully qualified name joins the short name of the same host, unless two qualified names could be it")
    func qualifiedIntoShort() {
        let hosts = [
            Machine(
                name: "WIN7SP1X64", installedUpdates: [Self.update("KB976902", Self.systeminfo)],
                sources: [Self.systeminfo]),
            Machine(
                name: "WIN7SP1X64.corp.nhs.uk", installedUpdates: [Self.update("KB4012215", Self.osquery)],
                sources: [Self.osquery]),
            // Two computers with one short name in two domains, and a short name that could be either.
            Machine(name: "PC0042.site-a.nhs.uk", sources: [Self.osquery]),
            Machine(name: "PC0042", sources: [Self.systeminfo]),
            Machine(name: "pc0042.site-b.nhs.uk", sources: [Self.wmic]),
            // Inventories giving two different builds are two computers, whatever their names.
            Machine(name: "LAB9", operatingSystem: Self.buildOnly, sources: [Self.systeminfo]),
            Machine(
                name: "lab9.partner.org",
                operatingSystem: OperatingSystem(name: "Windows 11 Pro", version: "10.0.22631", build: 22631),
                sources: [Self.osquery]),
            // A qualified name alone stays as it is; an IPv4 address is not a qualified name.
            Machine(name: "LAB7.trust.local", sources: [Self.wmic]),
            Machine(name: "10.0.0.5", sources: [Self.wmic]),
            Machine(name: "10", sources: [Self.systeminfo]),
        ]
        let merged = Machine.mergedByName(hosts)
        #expect(
            merged.map(\.name) == [
                "WIN7SP1X64", "PC0042.site-a.nhs.uk", "PC0042", "pc0042.site-b.nhs.uk", "LAB9", "lab9.partner.org",
                "LAB7.trust.local", "10.0.0.5", "10",
            ])
        #expect(merged[0].installedUpdates.map(\.kb) == ["KB976902", "KB4012215"])
        #expect(Set(merged[0].sources) == [Self.systeminfo, Self.osquery])
    }
}
