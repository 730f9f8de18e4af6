import Foundation
import VigilCore

/// Writes an organisation's host inventories into its evidence bundle, in the formats an estate really has: `systeminfo`
/// output for each Windows 7 workstation (collected by a logon script, `inventory/systeminfo/HOST.txt`), an osquery
/// result log for the managed Windows 10 and 11 fleet (`inventory/osqueryd.results.log`: os_version with the build
/// revision, patches, the SMB1 optional feature, BitLocker) and `systeminfo /fo csv` rows for the servers
/// (`inventory/servers-systeminfo.csv`) — and the ground truth of the update findings an assessment with Vigil's
/// built-in advisory catalogue must make for them.
///
/// Each workstation is the directory's computer of the same name, with the release its `operatingSystem` attribute
/// names, so directory and inventory agree. A trust's Windows 7 population left unpatched since January 2017 is the
/// one WannaCry found.
struct HostInventoryWriter {
    /// The rules the inventories' ground truth is complete for.
    static let coveredRules: [RuleID] = [
        .updateMissingExploited, .updateOverdue, .updateMissing, .unsupportedSystem, .smbVersion1Enabled,
        .updateStateUnknown,
    ]

    let specification: EstateSpecification
    let asOf: Date

    /// One host with its release and patch level.
    private struct PlannedHost {
        var name: String
        var release: DemoRelease
        var level: PatchLevel
        var smbVersion1: Bool
        var encrypted: Bool
        /// Whether it is a domain controller (systeminfo's OS Configuration says so).
        var domainController = false
    }

    /// The servers: the file server the share lives on (``FileShareWriter/host``) and, in a trust, a domain controller.
    private var servers: [(name: String, release: DemoRelease, domainController: Bool)] {
        specification.layout == .trust
            ? [("FS01", .server2016, false), ("DC01", .server2012R2, true)]
            : [("\(specification.netBIOSName)-SRV01", .server2019, false)]
    }

    /// Writes the inventories of `plan`'s computers and the servers into `bundle`; returns the expectations.
    func write(to bundle: URL, plan: EstatePlan) throws(SynthError) -> [GroundTruth.Expectation] {
        var hosts: [PlannedHost] = []
        for index in 0..<specification.computers {
            let computer = plan.computer(index)
            guard let release = computer.operatingSystem.flatMap(DemoRelease.named) else { continue }
            var random = SeededRandom(seed: specification.seed, stream: UInt64(index) &+ 70_000_000)
            hosts.append(
                PlannedHost(
                    name: computer.commonName, release: release, level: Self.level(release, &random),
                    smbVersion1: release.inventoriedByOsquery && random.next() % 100 < 15,
                    encrypted: random.next() % 100 >= 10))
        }
        for (name, release, domainController) in servers {
            var random = SeededRandom(seed: specification.seed, stream: 0x5E5E)
            hosts.append(
                PlannedHost(
                    name: name, release: release, level: Self.level(release, &random), smbVersion1: false,
                    encrypted: true, domainController: domainController))
        }
        let folder = bundle.appendingPathComponent("inventory")
        try writeSystemInfo(hosts.filter { $0.release == .windows7 }, to: folder.appendingPathComponent("systeminfo"))
        try writeOsqueryLog(hosts.filter(\.release.inventoriedByOsquery), to: folder)
        try writeServers(hosts.filter { servers.map(\.name).contains($0.name) }, to: folder)
        return hosts.flatMap { host in
            var rules = host.level.expected
            if host.release.endOfSupport < asOf { rules.append(.unsupportedSystem) }
            if host.smbVersion1 { rules.append(.smbVersion1Enabled) }
            return rules.map { GroundTruth.Expectation(rule: $0, subject: host.name) }
        }
    }

    /// A patch level of `release`, drawn by its weight.
    private static func level(_ release: DemoRelease, _ random: inout SeededRandom) -> PatchLevel {
        let levels = release.patchLevels
        var draw = Int(random.next() % UInt64(levels.reduce(0) { $0 + $1.weight }))
        for (weight, level) in levels {
            if draw < weight { return level }
            draw -= weight
        }
        return levels[0].level
    }

    // MARK: Formats

    /// `systeminfo > HOST.txt` as cmd.exe writes it: ASCII, CRLF, labels padded to column 28.
    private func writeSystemInfo(_ hosts: [PlannedHost], to folder: URL) throws(SynthError) {
        for host in hosts {
            var lines: [String] = []
            func field(_ label: String, _ value: String) {
                lines.append((label + ":").padding(toLength: 27, withPad: " ", startingAt: 0) + value)
            }
            field("Host Name", host.name)
            field("OS Name", "Microsoft \(host.release.operatingSystemName)")
            field("OS Version", "\(host.release.version) Service Pack 1 Build \(host.release.build)")
            field("OS Manufacturer", "Microsoft Corporation")
            field("OS Configuration", "Member Workstation")
            field("System Type", "x64-based PC")
            field("Domain", specification.domain)
            field("Hotfix(s)", "\(host.level.kbs.count) Hotfix(s) Installed.")
            for (position, kb) in host.level.kbs.enumerated() {
                lines.append(String(repeating: " ", count: 27) + "[\(zeroPadded(position + 1, width: 2))]: KB\(kb)")
            }
            field("Network Card(s)", "1 NIC(s) Installed.")
            lines.append(String(repeating: " ", count: 27) + "[01]: Intel(R) Ethernet Connection I217-LM")
            try write(lines.joined(separator: "\r\n") + "\r\n", to: folder.appendingPathComponent("\(host.name).txt"))
        }
    }

    /// osqueryd's filesystem logger output: one event per line, in the scheduled queries' packs.
    private func writeOsqueryLog(_ hosts: [PlannedHost], to folder: URL) throws(SynthError) {
        var lines: [String] = []
        let time = Int(asOf.timeIntervalSince1970) - 3_600
        for host in hosts {
            func event(_ query: String, _ columns: [(String, String)]) {
                let body = columns.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",")
                lines.append(
                    "{\"name\":\"pack_vigil_\(query)\",\"hostIdentifier\":\"\(host.name)\",\"unixTime\":\"\(time)\",\"epoch\":0,\"counter\":0,\"numerics\":false,\"columns\":{\(body)},\"action\":\"added\"}"
                )
            }
            let parts = host.release.version.split(separator: ".")
            event(
                "os_version",
                [
                    ("name", "Microsoft \(host.release.operatingSystemName)"), ("version", host.release.version),
                    ("major", String(parts[0])), ("minor", String(parts[1])), ("build", String(host.release.build)),
                    ("revision", String(host.level.revision ?? 0)), ("platform", "windows"), ("arch", "x86_64"),
                ])
            for kb in host.level.kbs {
                event(
                    "patches",
                    [
                        ("csname", host.name), ("hotfix_id", "KB\(kb)"), ("description", "Security Update"),
                        ("installed_on", ""),
                    ])
            }
            event(
                "windows_optional_features",
                [
                    ("name", "SMB1Protocol"), ("caption", "SMB 1.0/CIFS File Sharing Support"),
                    ("state", host.smbVersion1 ? "1" : "2"),
                ])
            event(
                "bitlocker_info",
                [
                    ("drive_letter", "C:"), ("protection_status", host.encrypted ? "1" : "0"),
                    ("conversion_status", host.encrypted ? "1" : "0"),
                ])
        }
        try write(lines.joined(separator: "\n") + "\n", to: folder.appendingPathComponent("osqueryd.results.log"))
    }

    /// `systeminfo /s SERVER /fo csv` for each server, appended under one header.
    private func writeServers(_ hosts: [PlannedHost], to folder: URL) throws(SynthError) {
        var lines = [
            "\"Host Name\",\"OS Name\",\"OS Version\",\"OS Manufacturer\",\"OS Configuration\",\"System Type\",\"Domain\",\"Hotfix(s)\""
        ]
        for host in hosts {
            let hotfixes =
                (["\(host.level.kbs.count) Hotfix(s) Installed."]
                + host.level.kbs.enumerated().map { "[\(zeroPadded($0.offset + 1, width: 2))]: KB\($0.element)" })
                .joined(separator: ",")
            lines.append(
                "\"\(host.name)\",\"Microsoft \(host.release.operatingSystemName)\",\"\(host.release.version) N/A Build \(host.release.build)\",\"Microsoft Corporation\",\"\(host.domainController ? "Primary Domain Controller" : "Member Server")\",\"x64-based PC\",\"\(specification.domain)\",\"\(hotfixes)\""
            )
        }
        try write(lines.joined(separator: "\r\n") + "\r\n", to: folder.appendingPathComponent("servers-systeminfo.csv"))
    }

    private func write(_ text: String, to url: URL) throws(SynthError) {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        } catch {
            throw SynthError(message: "cannot write \(url.path)")
        }
    }
}
