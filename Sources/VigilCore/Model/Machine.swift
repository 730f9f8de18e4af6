public import Foundation

/// A computer (host) in the estate, as host inventories (systeminfo, osquery, CSV) describe it.
public struct Machine: Codable, Sendable, Hashable, Identifiable {
    /// The machine's stable key: its name lower-cased.
    public var id: String { name.lowercased() }

    /// The host name (NetBIOS or short DNS name).
    public var name: String
    /// The operating system, when an inventory reported it.
    public var operatingSystem: OperatingSystem?
    /// Updates reported as installed.
    public var installedUpdates: [InstalledUpdate]
    /// Whether the SMBv1 server is enabled; `nil` when no evidence says.
    public var smbVersion1Enabled: Bool?
    /// Whether the system volume is encrypted (BitLocker protection on); `nil` when no evidence says.
    public var diskEncrypted: Bool?
    /// Where facts about this host were read.
    public var sources: [EvidenceReference]

    public init(
        name: String,
        operatingSystem: OperatingSystem? = nil,
        installedUpdates: [InstalledUpdate] = [],
        smbVersion1Enabled: Bool? = nil,
        diskEncrypted: Bool? = nil,
        sources: [EvidenceReference]
    ) {
        self.name = name
        self.operatingSystem = operatingSystem
        self.installedUpdates = installedUpdates
        self.smbVersion1Enabled = smbVersion1Enabled
        self.diskEncrypted = diskEncrypted
        self.sources = sources
    }
}

/// An operating system as reported by an inventory.
public struct OperatingSystem: Codable, Sendable, Hashable {
    /// The product name as reported (`Microsoft Windows 10 Enterprise`).
    public var name: String
    /// The version (`10.0.19045`).
    public var version: String?
    /// The build number (`19045`).
    public var build: Int?
    /// The update build revision (UBR, `4529`), which pins the cumulative update level.
    public var revision: Int?
    /// The architecture (`x64-based PC`).
    public var architecture: String?

    public init(
        name: String, version: String? = nil, build: Int? = nil, revision: Int? = nil, architecture: String? = nil
    ) {
        self.name = name
        self.version = version
        self.build = build
        self.revision = revision
        self.architecture = architecture
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
}
