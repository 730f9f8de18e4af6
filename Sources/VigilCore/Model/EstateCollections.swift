/// The collections of facts an estate is made of: ``Estate`` holds them for a whole organisation, and every evidence
/// fragment (what one file, or one segment of a large file, contributed) holds them for its part.
///
/// This is the one place that says how two of them combine (``append(contentsOf:)``) and how a segment's line numbers
/// become the file's (``shiftLines(by:)``). Without it every caller listed the collections by hand, and one list shifted
/// the lines of only five of them. A collection added to the estate is added here, and the merge tests (which find the
/// collections by reflection) fail until it is.
public protocol EstateCollections {
    /// Directory domains.
    var domains: [DirectoryDomain] { get set }
    /// Directory accounts.
    var accounts: [Account] { get set }
    /// Directory groups.
    var groups: [DirectoryGroup] { get set }
    /// Password hash records.
    var credentials: [CredentialRecord] { get set }
    /// Hosts.
    var hosts: [Machine] { get set }
    /// Shares, folders, files, applications and databases.
    var resources: [Resource] { get set }
    /// Permissions on resources.
    var grants: [Grant] { get set }
    /// Audit log entries.
    var accessEvents: [AccessEvent] { get set }
    /// Security advisories.
    var advisories: [Advisory] { get set }
    /// Network scan results.
    var networkObservations: [NetworkObservation] { get set }
    /// Self-assessment answers.
    var claims: [Claim] { get set }
    /// Folder trees scanned for patient identifiers.
    var fileScans: [FileScanRecord] { get set }
    /// Files found to hold patient identifiers.
    var patientData: [PatientDataExposure] { get set }
    /// Roles held in clinical applications.
    var roleAssignments: [RoleAssignment] { get set }
    /// What each clinical role may do.
    var rolePermissions: [RolePermission] { get set }
}

extension EstateCollections {
    /// Appends every collection of `other` after this one's, in order.
    ///
    /// A collection this value does not have yet takes `other`'s storage instead of copying it: one file usually
    /// supplies all of a kind, and a directory holds millions of accounts.
    public mutating func append(contentsOf other: consuming some EstateCollections) {
        domains.adopt(other.domains)
        accounts.adopt(other.accounts)
        groups.adopt(other.groups)
        credentials.adopt(other.credentials)
        hosts.adopt(other.hosts)
        resources.adopt(other.resources)
        grants.adopt(other.grants)
        accessEvents.adopt(other.accessEvents)
        advisories.adopt(other.advisories)
        networkObservations.adopt(other.networkObservations)
        claims.adopt(other.claims)
        fileScans.adopt(other.fileScans)
        patientData.adopt(other.patientData)
        roleAssignments.adopt(other.roleAssignments)
        rolePermissions.adopt(other.rolePermissions)
    }

    /// Adds `offset` to the line number of every evidence reference this value holds: a segment read from the middle
    /// of a file counts lines from its own start, and this makes them count from the file's.
    ///
    /// Lines inside scanned files (``IdentifierTally/location``) are positions in the file scanned, not in the evidence
    /// file, and are left alone; ``FileScanRecord`` holds no position.
    public mutating func shiftLines(by offset: Int) {
        guard offset != 0 else { return }
        Self.shift(&domains) { $0.source.shiftLine(by: offset) }
        Self.shift(&accounts) { $0.source.shiftLine(by: offset) }
        Self.shift(&groups) { $0.source.shiftLine(by: offset) }
        Self.shift(&credentials) { $0.source.shiftLine(by: offset) }
        Self.shift(&hosts) { host in
            host.operatingSystemSource?.shiftLine(by: offset)
            Self.shift(&host.sources) { $0.shiftLine(by: offset) }
            Self.shift(&host.installedUpdates) { $0.source.shiftLine(by: offset) }
        }
        Self.shift(&resources) { $0.source.shiftLine(by: offset) }
        Self.shift(&grants) { $0.source.shiftLine(by: offset) }
        Self.shift(&accessEvents) { $0.source.shiftLine(by: offset) }
        Self.shift(&advisories) { $0.source.shiftLine(by: offset) }
        Self.shift(&networkObservations) { $0.source.shiftLine(by: offset) }
        Self.shift(&claims) { $0.source.shiftLine(by: offset) }
        Self.shift(&roleAssignments) { $0.source.shiftLine(by: offset) }
        Self.shift(&rolePermissions) { $0.source.shiftLine(by: offset) }
    }

    /// Applies `change` to every element in place (one access to the collection, none per element).
    private static func shift<Element>(_ elements: inout [Element], _ change: (inout Element) -> Void) {
        for index in elements.indices { change(&elements[index]) }
    }
}

extension EvidenceReference {
    /// Adds `offset` to the line number, if there is one.
    mutating func shiftLine(by offset: Int) {
        line? += offset
    }
}

extension Estate: EstateCollections {}

extension Array {
    /// Appends `other`, sharing its storage instead of copying when this array is empty.
    mutating func adopt(_ other: [Element]) {
        if isEmpty { self = other } else { self += other }
    }
}
