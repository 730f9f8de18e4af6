/// Everything the evidence says about one organisation, normalised from whichever formats it came in.
///
/// Analyzers see only this model, never a file format. Credential hashes are kept in memory for analysis but are
/// excluded from `Codable` output: an encoded estate never carries a hash.
public struct Estate: Codable, Sendable {
    /// The organisation assessed.
    public var organisation: Organisation
    /// Directory domains with their password policies.
    public var domains: [DirectoryDomain]
    /// Directory accounts.
    public var accounts: [Account]
    /// Directory groups.
    public var groups: [DirectoryGroup]
    /// Password hashes per account (never encoded).
    public var credentials: [CredentialRecord]
    /// Computers and their update state.
    public var hosts: [Machine]
    /// Shares, folders, applications and databases.
    public var resources: [Resource]
    /// Permissions on resources.
    public var grants: [Grant]
    /// Audit log entries.
    public var accessEvents: [AccessEvent]
    /// Security advisories known to the assessment.
    public var advisories: [Advisory]
    /// Network scan results.
    public var networkObservations: [NetworkObservation]
    /// Self-assessment answers.
    public var claims: [Claim]
    /// Folder trees scanned for patient identifiers.
    public var fileScans: [FileScanRecord]
    /// Files found to hold patient identifiers.
    public var patientData: [PatientDataExposure]
    /// Roles held in clinical applications.
    public var roleAssignments: [RoleAssignment]
    /// What each clinical role may do.
    public var rolePermissions: [RolePermission]
    /// The masks of the health-service numbers in the evidence's paths and names that another of them masks alike, told
    /// apart (`438 *** **50~2`): set as the paths are masked, from both, so that a name is masked at the end with the
    /// same table and a patient's folder and an account named with another patient's number never look alike. In
    /// memory only (never encoded); `nil` until the paths are masked.
    public var toldApartMasks: [UInt64: String]?

    public init(
        organisation: Organisation,
        domains: [DirectoryDomain] = [],
        accounts: [Account] = [],
        groups: [DirectoryGroup] = [],
        credentials: [CredentialRecord] = [],
        hosts: [Machine] = [],
        resources: [Resource] = [],
        grants: [Grant] = [],
        accessEvents: [AccessEvent] = [],
        advisories: [Advisory] = [],
        networkObservations: [NetworkObservation] = [],
        claims: [Claim] = [],
        fileScans: [FileScanRecord] = [],
        patientData: [PatientDataExposure] = [],
        roleAssignments: [RoleAssignment] = [],
        rolePermissions: [RolePermission] = []
    ) {
        self.organisation = organisation
        self.domains = domains
        self.accounts = accounts
        self.groups = groups
        self.credentials = credentials
        self.hosts = hosts
        self.resources = resources
        self.grants = grants
        self.accessEvents = accessEvents
        self.advisories = advisories
        self.networkObservations = networkObservations
        self.claims = claims
        self.fileScans = fileScans
        self.patientData = patientData
        self.roleAssignments = roleAssignments
        self.rolePermissions = rolePermissions
    }

    private enum CodingKeys: String, CodingKey {
        case organisation, domains, accounts, groups, hosts, resources, grants, accessEvents, advisories
        case networkObservations, claims, fileScans, patientData, roleAssignments, rolePermissions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            organisation: try container.decode(Organisation.self, forKey: .organisation),
            domains: try container.decode([DirectoryDomain].self, forKey: .domains),
            accounts: try container.decode([Account].self, forKey: .accounts),
            groups: try container.decode([DirectoryGroup].self, forKey: .groups),
            hosts: try container.decode([Machine].self, forKey: .hosts),
            resources: try container.decode([Resource].self, forKey: .resources),
            grants: try container.decode([Grant].self, forKey: .grants),
            accessEvents: try container.decode([AccessEvent].self, forKey: .accessEvents),
            advisories: try container.decode([Advisory].self, forKey: .advisories),
            networkObservations: try container.decode([NetworkObservation].self, forKey: .networkObservations),
            claims: try container.decode([Claim].self, forKey: .claims),
            fileScans: try container.decodeIfPresent([FileScanRecord].self, forKey: .fileScans) ?? [],
            patientData: try container.decodeIfPresent([PatientDataExposure].self, forKey: .patientData) ?? [],
            roleAssignments: try container.decodeIfPresent([RoleAssignment].self, forKey: .roleAssignments) ?? [],
            rolePermissions: try container.decodeIfPresent([RolePermission].self, forKey: .rolePermissions) ?? []
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(organisation, forKey: .organisation)
        try container.encode(domains, forKey: .domains)
        try container.encode(accounts, forKey: .accounts)
        try container.encode(groups, forKey: .groups)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(resources, forKey: .resources)
        try container.encode(grants, forKey: .grants)
        try container.encode(accessEvents, forKey: .accessEvents)
        try container.encode(advisories, forKey: .advisories)
        try container.encode(networkObservations, forKey: .networkObservations)
        try container.encode(claims, forKey: .claims)
        try container.encode(fileScans, forKey: .fileScans)
        try container.encode(patientData, forKey: .patientData)
        try container.encode(roleAssignments, forKey: .roleAssignments)
        try container.encode(rolePermissions, forKey: .rolePermissions)
    }
}
