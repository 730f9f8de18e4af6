public import Foundation

/// A computer (host) in the estate, as host inventories (systeminfo, wmic qfe, osquery, CSV) describe it.
///
/// One host may be described by several files; the engine merges them by name (``merging(_:)``), keeping where each
/// fact was read.
public struct Machine: Codable, Sendable, Hashable, Identifiable {
    /// The machine's stable key: its name lower-cased.
    public var id: String { name.lowercased() }

    /// The host name (NetBIOS or short DNS name).
    public var name: String
    /// The operating system, when an inventory reported it.
    public var operatingSystem: OperatingSystem?
    /// Where the operating system was read.
    public var operatingSystemSource: EvidenceReference?
    /// Updates reported as installed.
    public var installedUpdates: [InstalledUpdate]
    /// Whether some source listed this host's installed updates (even an empty list): without such a list an update
    /// can be neither confirmed nor ruled out from KB numbers.
    public var updatesListed: Bool
    /// Installed programs, when an inventory lists them (osquery `programs`).
    public var installedPrograms: [InstalledProgram]
    /// Whether the SMBv1 server is enabled; `nil` when no evidence says.
    public var smbVersion1Enabled: Bool?
    /// Whether the system volume is encrypted (BitLocker protection on); `nil` when no evidence says.
    public var diskEncrypted: Bool?
    /// Whether the host is a domain controller (systeminfo's OS Configuration, or the directory's computer account:
    /// ``withDirectoryRoles(_:accounts:)``); `nil` when no evidence says.
    /// Vulnerabilities of a domain controller's services (Zerologon) are judged only where this is not `false`.
    public var domainController: Bool?
    /// Where facts about this host were read.
    public var sources: [EvidenceReference]

    public init(
        name: String,
        operatingSystem: OperatingSystem? = nil,
        operatingSystemSource: EvidenceReference? = nil,
        installedUpdates: [InstalledUpdate] = [],
        updatesListed: Bool = false,
        installedPrograms: [InstalledProgram] = [],
        smbVersion1Enabled: Bool? = nil,
        diskEncrypted: Bool? = nil,
        domainController: Bool? = nil,
        sources: [EvidenceReference]
    ) {
        self.name = name
        self.operatingSystem = operatingSystem
        self.operatingSystemSource = operatingSystemSource
        self.installedUpdates = installedUpdates
        self.updatesListed = updatesListed || !installedUpdates.isEmpty
        self.installedPrograms = installedPrograms
        self.smbVersion1Enabled = smbVersion1Enabled
        self.diskEncrypted = diskEncrypted
        self.domainController = domainController
        self.sources = sources
    }

    /// This host with what `other` (the same host, from another source) adds: updates are united (one per KB, the
    /// earliest source kept), the operating system with the more precise version wins (one with a revision over one
    /// without), and a yes/no fact is taken from whichever source states it, an enabled SMBv1, an unencrypted disk or
    /// a domain controller winning over the opposite.
    public func merging(_ other: Machine) -> Machine {
        var merged = self
        if let theirs = other.operatingSystem {
            if let ours = operatingSystem {
                if ours.precision < theirs.precision {
                    merged.operatingSystem = theirs
                    merged.operatingSystemSource = other.operatingSystemSource
                }
            } else {
                merged.operatingSystem = theirs
                merged.operatingSystemSource = other.operatingSystemSource
            }
        }
        var known = Set(installedUpdates.map(\.kb))
        for update in other.installedUpdates where known.insert(update.kb).inserted {
            merged.installedUpdates.append(update)
        }
        merged.updatesListed = updatesListed || other.updatesListed
        var programs = Set(installedPrograms)
        for program in other.installedPrograms where programs.insert(program).inserted {
            merged.installedPrograms.append(program)
        }
        merged.smbVersion1Enabled = Self.worse(smbVersion1Enabled, other.smbVersion1Enabled, bad: true)
        merged.diskEncrypted = Self.worse(diskEncrypted, other.diskEncrypted, bad: false)
        merged.domainController = Self.worse(domainController, other.domainController, bad: true)
        merged.sources = Array(Set(sources + other.sources)).sorted()
        return merged
    }

    /// `hosts` with every host described several times merged into one, in the order each host first appears: by name
    /// (case-insensitively), then a fully qualified name (`PC0042.trust.nhs.uk`, as osquery's `system_info` and
    /// Get-HotFix's `Source` may give it) into the short name another inventory gives the same host (`PC0042`, as
    /// systeminfo does), when exactly one qualified name begins with that short name. Two hosts `PC0042.site-a…` and
    /// `PC0042.site-b…` are different computers, and a short `PC0042` beside both could be either: nothing is merged
    /// then, nor when the two inventories give different builds. Otherwise one host would be judged twice, once without
    /// the updates the other inventory lists.
    public static func mergedByName(_ hosts: [Machine]) -> [Machine] {
        var merged: [Machine] = []
        var position: [String: Int] = [:]
        merged.reserveCapacity(hosts.count)
        for host in hosts {
            if let index = position[host.id] {
                merged[index] = merged[index].merging(host)
            } else {
                position[host.id] = merged.count
                merged.append(host)
            }
        }
        return mergedQualifiedIntoShort(merged, position: position)
    }

    /// The first label of a qualified DNS name (`pc0042` of `pc0042.trust.nhs.uk`), or nil for a name without one
    /// (no dot) and for an IPv4 address.
    public static func shortName(ofQualified id: String) -> Substring? {
        guard let dot = id.firstIndex(of: "."), dot != id.startIndex else { return nil }
        if id.allSatisfy({ $0 == "." || $0.isASCII && $0.isNumber }) { return nil }
        return id[..<dot]
    }

    private static func mergedQualifiedIntoShort(_ hosts: [Machine], position: [String: Int]) -> [Machine] {
        var qualifiedByShort: [Substring: [Int]] = [:]
        for index in hosts.indices {
            guard let short = shortName(ofQualified: hosts[index].id) else { continue }
            qualifiedByShort[short, default: []].append(index)
        }
        var absorbed: Set<Int> = []
        var result = hosts
        for (short, qualified) in qualifiedByShort where qualified.count == 1 {
            guard let target = position[String(short)] else { continue }
            // Two computers that share a short name in two domains would unite their updates and hide a missing fix:
            // inventories that give different builds are not one host.
            if let ours = hosts[target].operatingSystem?.build, let theirs = hosts[qualified[0]].operatingSystem?.build,
                ours != theirs
            {
                continue
            }
            result[target] = result[target].merging(hosts[qualified[0]])
            absorbed.insert(qualified[0])
        }
        guard !absorbed.isEmpty else { return hosts }
        return result.indices.filter { !absorbed.contains($0) }.map { result[$0] }
    }

    /// Of two statements of a yes/no fact, the `bad` one when either makes it; otherwise whichever is known.
    static func worse(_ first: Bool?, _ second: Bool?, bad: Bool) -> Bool? {
        guard let first else { return second }
        guard let second else { return first }
        return first == bad || second == bad ? bad : first
    }
}

/// An operating system as reported by an inventory.
public struct OperatingSystem: Codable, Sendable, Hashable {
    /// The product name as reported (`Microsoft Windows 10 Enterprise`), possibly in the inventory's language: product
    /// matching relies on ``version``, ``build``, ``architecture`` and the edition words it can read.
    public var name: String
    /// The version (`10.0.19045`, `6.1.7601`).
    public var version: String?
    /// The build number (`19045`).
    public var build: Int?
    /// The update build revision (UBR, `4529`), which pins the cumulative update level.
    public var revision: Int?
    /// The architecture as reported (`x64-based PC`, `64-bit`, `x86_64`).
    public var architecture: String?
    /// The service pack level (`1` for "Service Pack 1"), when reported.
    public var servicePack: Int?

    public init(
        name: String, version: String? = nil, build: Int? = nil, revision: Int? = nil, architecture: String? = nil,
        servicePack: Int? = nil
    ) {
        self.name = name
        self.version = version
        self.build = build
        self.revision = revision
        self.architecture = architecture
        self.servicePack = servicePack
    }

    /// How precisely the version is known: a revision beats a build beats a name alone.
    var precision: Int {
        revision != nil ? 3 : build != nil ? 2 : version != nil ? 1 : 0
    }
}

/// An update (hotfix) reported installed on a host.
public struct InstalledUpdate: Codable, Sendable, Hashable {
    /// The knowledge-base identifier, normalised to `KB` + digits.
    public var kb: String
    /// When it was installed, if reported.
    public var installedOn: Date?
    /// Where it was read.
    public var source: EvidenceReference

    public init(kb: String, installedOn: Date? = nil, source: EvidenceReference) {
        self.kb = kb
        self.installedOn = installedOn
        self.source = source
    }

    /// `KB` + digits for a knowledge-base reference written as `KB4012212`, `kb4012212`, `4012212` or with
    /// surrounding spaces; `nil` when it holds no such number.
    public static func normalisedKB(_ text: some StringProtocol) -> String? {
        number(text).map { "KB\($0)" }
    }

    /// The number of a knowledge-base reference (`KB4012212` → 4012212), read as ``normalisedKB(_:)`` reads it: 4 to
    /// 8 digits, an optional `KB` before them in either case, spaces around. Byte by byte, no allocation: readers and
    /// matching call it for every update of every host.
    public static func number(_ text: some StringProtocol) -> UInt32? {
        var utf8 = Substring(text).utf8[...]
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, isSpace(last) { utf8 = utf8.dropLast() }
        if utf8.count >= 2, utf8.first! | 0x20 == 0x6B, utf8[utf8.index(after: utf8.startIndex)] | 0x20 == 0x62 {
            utf8 = utf8.dropFirst(2)
        }
        guard (4...8).contains(utf8.count) else { return nil }
        var value: UInt32 = 0
        for byte in utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + UInt32(byte - 0x30)
        }
        return value
    }
}

/// A program installed on a host (osquery `programs`, an inventory's software list).
public struct InstalledProgram: Codable, Sendable, Hashable {
    /// The program's name as registered (`Microsoft Edge`).
    public var name: String
    /// Its version (`120.0.2210.91`).
    public var version: String?
    /// Its publisher.
    public var publisher: String?

    public init(name: String, version: String? = nil, publisher: String? = nil) {
        self.name = name
        self.version = version
        self.publisher = publisher
    }
}
