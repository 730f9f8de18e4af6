/// A directory security or distribution group.
public struct DirectoryGroup: Codable, Sendable, Hashable, Identifiable {
    /// The group's stable key: its SID when known, otherwise its distinguished name lower-cased.
    public var id: String { sid?.description ?? distinguishedName.lowercased() }

    /// The group's distinguished name.
    public var distinguishedName: String
    /// `sAMAccountName` (else `cn`).
    public var name: String
    /// `objectSid`.
    public var sid: SecurityIdentifier?
    /// `adminCount = 1`.
    public var adminCount: Bool
    /// `member`: distinguished names of direct members (accounts or groups).
    public var members: [String]
    /// Where the group was read.
    public var source: EvidenceReference

    public init(
        distinguishedName: String,
        name: String,
        sid: SecurityIdentifier? = nil,
        adminCount: Bool = false,
        members: [String] = [],
        source: EvidenceReference
    ) {
        self.distinguishedName = distinguishedName
        self.name = name
        self.sid = sid
        self.adminCount = adminCount
        self.members = members
        self.source = source
    }
}
