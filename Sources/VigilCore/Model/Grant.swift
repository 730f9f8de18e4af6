/// A permission on a resource held by a principal (an account or a group): one access control entry as an ACL export
/// states it.
///
/// `access`, `inherited` and `appliesTo` were added after the first release; they are decoded with defaults (allow, not
/// inherited, unknown) so that estates written before them still read.
public struct Grant: Codable, Sendable, Hashable {
    /// The rights a grant confers, weakest first.
    public enum Right: String, Codable, Sendable, CaseIterable {
        case read, write, modify
        case fullControl = "full-control"

        /// Whether the right includes reading data (everything but write-only).
        public var includesRead: Bool { self != .write }
    }

    /// Whether the entry allows or denies its right.
    public enum Access: String, Codable, Sendable, CaseIterable {
        case allow, deny
    }

    /// Where an entry applies, from its inheritance flags (icacls `(OI)(CI)(IO)(NP)`, SDDL `OICIIONP`, Get-Acl
    /// `InheritanceFlags`/`PropagationFlags`).
    public struct Scope: Codable, Sendable, Hashable {
        /// Whether it applies to the object it is listed on (false for inherit-only entries).
        public var object: Bool
        /// Whether files below inherit it (object inherit).
        public var files: Bool
        /// Whether folders below inherit it (container inherit).
        public var folders: Bool
        /// Whether inheritance stops at the immediate children (no-propagate).
        public var childrenOnly: Bool

        public init(object: Bool = true, files: Bool = false, folders: Bool = false, childrenOnly: Bool = false) {
            self.object = object
            self.files = files
            self.folders = folders
            self.childrenOnly = childrenOnly
        }

        /// The scope of an entry that applies to its object only.
        public static let objectOnly = Scope()

        /// Whether anything below inherits it.
        public var inheritable: Bool { files || folders }
    }

    /// The resource's identifier.
    public var resourceID: String
    /// The principal as written in the ACL (`NHSTRUST\Domain Users`, `Everyone`, a SID).
    public var principal: String
    /// The right granted or, for a deny entry, denied. A deny entry that denies reading data along with writing is
    /// recorded as `modify`, so that `right.includesRead` answers "does it block reading?".
    public var right: Right
    /// Whether the entry allows or denies.
    public var access: Access
    /// Whether the entry was inherited from a folder above (icacls `(I)`, SDDL `ID`, Get-Acl `IsInherited`) rather than
    /// set on the object itself. Windows evaluates explicit entries before inherited ones.
    public var inherited: Bool
    /// Where the entry applies; `nil` when the export does not say (Get-Acl's `AccessToString`).
    public var appliesTo: Scope?
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        resourceID: String, principal: String, right: Right, access: Access = .allow, inherited: Bool = false,
        appliesTo: Scope? = nil, source: EvidenceReference
    ) {
        self.resourceID = resourceID
        self.principal = principal
        self.right = right
        self.access = access
        self.inherited = inherited
        self.appliesTo = appliesTo
        self.source = source
    }

    private enum CodingKeys: String, CodingKey {
        case resourceID, principal, right, access, inherited, appliesTo, source
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        resourceID = try container.decode(String.self, forKey: .resourceID)
        principal = try container.decode(String.self, forKey: .principal)
        right = try container.decode(Right.self, forKey: .right)
        access = try container.decodeIfPresent(Access.self, forKey: .access) ?? .allow
        inherited = try container.decodeIfPresent(Bool.self, forKey: .inherited) ?? false
        appliesTo = try container.decodeIfPresent(Scope.self, forKey: .appliesTo)
        source = try container.decode(EvidenceReference.self, forKey: .source)
    }

    /// Whether the entry lets its principal read the object it is listed on.
    public var allowsReading: Bool { access == .allow && right.includesRead && appliesTo?.object != false }

    /// Whether the entry stops its principal reading the object it is listed on.
    public var deniesReading: Bool { access == .deny && right.includesRead && appliesTo?.object != false }
}
