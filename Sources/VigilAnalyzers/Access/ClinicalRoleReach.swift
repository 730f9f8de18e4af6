public import Foundation
public import VigilCore

/// Who can read patient data through clinical applications: role assignments (who holds which role, where, from when
/// to when) joined with the role → permission maps and the directory.
///
/// A permission opens patient data when its sensitivity says so, or when the map leaves it blank and `vigil.yaml`
/// classifies its application as patient-confidential. An account can read patient data through roles when one of its
/// assignments is active on the as-of day and its role grants such a permission. Users the directory does not hold and
/// roles no map lists are counted, never silently dropped.
public struct ClinicalRoleReach: Sendable {
    /// A role, at a scope, that opens patient data to staff.
    public struct OpeningRole: Sendable {
        /// The role as the assignments write it.
        public var role: String
        /// Where it applies; `nil` for everywhere.
        public var scope: String?
        /// The application, when the exports say.
        public var application: String?
        /// The patient-data permissions the role grants, sorted.
        public var permissions: [String]
        /// Enabled staff who hold it now.
        public var staff: Int
        /// The first assignment of it, for the evidence.
        public var source: EvidenceReference

        /// `Clerk (all sites)`, `Clerk (Ward 7)`.
        public var label: String { "\(role) (\(scope ?? "all sites"))" }
    }

    /// Whether there were role assignments and a role → permission map to join, and the map says of at least one
    /// permission that it opens patient data or of all that they do not (a map whose sensitivities are all blank, with
    /// no application classified in `vigil.yaml`, says nothing: never "nobody can read patient data").
    public let assessed: Bool
    /// Enabled staff (of `staff`) with an active role granting a patient-data permission.
    public let reaching: AccessBitset
    /// Role assignments read.
    public let assignments: Int
    /// Assignments active on the as-of day.
    public let active: Int
    /// Assignments whose user the directory does not hold.
    public let unknownUsers: Int
    /// Assignments whose role no role → permission map lists (with the application, when both say).
    public let unknownRoles: Int
    /// Distinct permissions that open patient data.
    public let patientPermissions: Int
    /// Distinct permissions with a blank sensitivity whose application `vigil.yaml` does not classify: whether they open
    /// patient data is not known, so they are not counted and the reach is a floor.
    public let unclassifiedPermissions: Int
    /// Applications the role exports name, or that `vigil.yaml` classifies and the roles reach.
    public let applications: [String]
    /// For each application the opening roles' assignments name, the enabled staff who can read patient data through
    /// it: what the access logs' use of that application is measured against. Most staff first.
    public let staffByApplication: [ApplicationStaff]

    /// The staff who can read patient data through one clinical application.
    public struct ApplicationStaff: Sendable {
        /// The application as the assignments first write it.
        public var name: String
        /// Enabled staff with an active role in it that grants a patient-data permission.
        public var staff: AccessBitset
    }
    private let opened: [OpeningRole]

    /// Joins the estate's role assignments, role maps and accounts; `staff` are the enabled staff logins (by estate
    /// account index).
    public init(estate: Estate, staff: AccessBitset, asOf: Date) {
        self.init(
            estate: estate, staff: staff, asOf: asOf,
            users: ClinicalRoleUsers(estate.accounts, users: estate.roleAssignments))
    }

    /// The same, with the user index built already (``SharedAnalyses`` shares it).
    init(estate: Estate, staff: AccessBitset, asOf: Date, users accounts: ClinicalRoleUsers) {
        assignments = estate.roleAssignments.count
        let classified = Self.applicationClassifications(estate.resources)
        let map = ClinicalRoleMap(estate.rolePermissions, classified: classified)
        patientPermissions = map.patientPermissions
        unclassifiedPermissions = map.unclassifiedPermissions
        assessed =
            Self.hasRoleExports(estate) && (map.patientPermissions > 0 || map.unclassifiedPermissions == 0)
        var reaching = AccessBitset(capacity: estate.accounts.count)
        var active = 0
        var unknownUsers = 0
        var unknownRoles = 0
        var applications: Set<String> = []
        // Each role at each scope once, with the staff holding it (sorted and made unique at the end: a dictionary of
        // bitsets would copy a directory-sized bitset on every row).
        var labels: [String: Int] = [:]
        var roles: [OpeningRole] = []
        var holders: [[Int32]] = []
        // Exports repeat a handful of roles, scopes and applications across every row: each spelling is looked up once
        // (at national size, trimming and lowering them per row was a second of the join).
        var memo = ClinicalRoleMap.Memo()
        var positions: [RoleSpelling: Int] = [:]
        for (row, assignment) in estate.roleAssignments.enumerated() {
            if let application = assignment.application { applications.insert(application) }
            let (permissions, listed) = memo.permissions(of: assignment, in: map)
            let index = accounts.account(ofRow: row, assignment)
            if index == nil { unknownUsers += 1 }
            if !listed { unknownRoles += 1 }
            guard assignment.isActive(at: asOf) else { continue }
            active += 1
            guard let index, !permissions.isEmpty, staff.contains(index) else { continue }
            reaching.insert(index)
            let spelling = RoleSpelling(
                role: assignment.role, application: assignment.application, scope: assignment.scope)
            let position: Int
            if let known = positions[spelling] {
                position = known
            } else {
                let label =
                    "\(assignment.application.map(Self.key) ?? "")\n\(Self.key(assignment.role))\n\(assignment.scope.map(Self.key) ?? "")"
                if let known = labels[label] {
                    position = known
                } else {
                    position = roles.count
                    labels[label] = position
                    roles.append(
                        OpeningRole(
                            role: assignment.role, scope: assignment.scope, application: assignment.application,
                            permissions: permissions.sorted(), staff: 0, source: assignment.source))
                    holders.append([])
                }
                positions[spelling] = position
            }
            holders[position].append(Int32(truncatingIfNeeded: index))
        }
        for position in roles.indices {
            holders[position].sort()
            var distinct = 0
            var previous: Int32 = -1
            for holder in holders[position] where holder != previous {
                distinct += 1
                previous = holder
            }
            roles[position].staff = distinct
        }
        self.reaching = reaching
        self.active = active
        self.unknownUsers = unknownUsers
        self.unknownRoles = assessed ? unknownRoles : 0
        self.applications = applications.sorted()
        // Roles whose assignments name no application belong to the one application vigil.yaml names, if just one.
        let named = estate.resources.filter { $0.kind == .application || $0.kind == .database }
        staffByApplication = Self.staffByApplication(
            roles, holders: holders, capacity: estate.accounts.count, unnamed: named.count == 1 ? named[0].name : nil)
        opened = roles.sorted { ($1.staff, $0.label) < ($0.staff, $1.label) }
    }

    /// The roles that open patient data to staff, most staff first.
    public func openingRoles() -> [OpeningRole] { opened }

    /// The holders of the opening roles gathered by application, most staff first, then by name. A role whose
    /// assignments name no application counts for `unnamed` (the one application `vigil.yaml` names), else is left
    /// out: no log can be matched to it.
    private static func staffByApplication(
        _ roles: [OpeningRole], holders: [[Int32]], capacity: Int, unnamed: String?
    ) -> [ApplicationStaff] {
        var positions: [String: Int] = [:]
        var gathered: [ApplicationStaff] = []
        for (role, members) in zip(roles, holders) {
            guard let application = role.application ?? unnamed else { continue }
            let name = key(application)
            let position = positions[name] ?? gathered.count
            if position == gathered.count {
                positions[name] = position
                gathered.append(ApplicationStaff(name: application, staff: AccessBitset(capacity: capacity)))
            }
            for member in members where Int(member) < capacity { gathered[position].staff.insert(Int(member)) }
        }
        return gathered.map { ($0, $0.staff.count) }.sorted { ($1.1, $0.0.name) < ($0.1, $1.0.name) }.map(\.0)
    }

    /// The sources of the assignments whose user the directory does not hold.
    public static func assignmentsWithUnknownUsers(_ context: AnalysisContext) -> [EvidenceReference] {
        let accounts = context.shared.clinicalRoleUsers()
        let assignments = context.estate.roleAssignments
        return assignments.indices.filter { accounts.account(ofRow: $0, assignments[$0]) == nil }.map {
            assignments[$0].source
        }
    }

    /// The sources of the assignments whose role no role → permission map lists.
    public static func assignmentsWithUnknownRoles(_ estate: Estate) -> [EvidenceReference] {
        let map = ClinicalRoleMap(estate.rolePermissions, classified: applicationClassifications(estate.resources))
        var memo = ClinicalRoleMap.Memo()
        return estate.roleAssignments.filter { !memo.permissions(of: $0, in: map).listed }.map(\.source)
    }

    /// A role, application or scope as a join key: trimmed, without case.
    static func key(_ text: String) -> String {
        text.trimmingBlanks().lowercased()
    }

    /// The classification `vigil.yaml` gives each application (by id or name), and the one application it names when it
    /// names only one, for permissions whose map names none.
    static func applicationClassifications(_ resources: [Resource]) -> (String?) -> Resource.Classification? {
        let named = resources.filter { $0.kind == .application || $0.kind == .database }
        var byName: [String: Resource.Classification] = [:]
        for resource in named {
            byName[key(resource.id)] = resource.classification
            byName[key(resource.name)] = resource.classification
        }
        let only = named.count == 1 ? named.first?.classification : nil
        return { application in application.map { byName[key($0)] } ?? only }
    }
}

/// Joins the user a role export writes to a directory account: a SID, `DOMAIN\name`, a UPN (its part before `@`
/// against the account name, as directories set sAMAccountName and the UPN prefix alike) or a bare account name.
///
/// One key per account (its name; the domain is checked after the look-up) and SIDs only when some user is written as
/// one: at national size (1.5 million accounts) a second key per account and resizing doubled the join's time.
struct ClinicalRoleUsers: Sendable {
    private let lookup: Lookup
    /// The account each assignment the index was built for names, by row: the access analysis and the cross-checks
    /// both ask, for every row of a national export.
    private let accountOfRow: [Int?]

    init(_ accounts: [Account], users: [RoleAssignment]) {
        let lookup = Lookup(accounts, users: users)
        self.lookup = lookup
        let sliceSize = 65_536
        accountOfRow = parallelMap((users.count + sliceSize - 1) / sliceSize) { slice in
            users[slice * sliceSize..<min(users.count, (slice + 1) * sliceSize)].map { lookup.index(of: $0.user) }
        }.flatMap { $0 }
    }

    /// The estate index of the account `user` names, or `nil`.
    func index(of user: String) -> Int? {
        lookup.index(of: user)
    }

    /// The estate index of the account that row `row` of the assignments the index was built for names, or `nil`;
    /// `assignment` is that row, looked up afresh if the index was built for other rows.
    func account(ofRow row: Int, _ assignment: RoleAssignment) -> Int? {
        accountOfRow.indices.contains(row) ? accountOfRow[row] : lookup.index(of: assignment.user)
    }

    private struct Lookup: Sendable {
        private var bySID: [String: Int] = [:]
        private var byName: [String: Int] = [:]
        private let domains: [String?]

        init(_ accounts: [Account], users: [RoleAssignment]) {
            byName.reserveCapacity(accounts.count)
            let sids = users.contains {
                $0.user.utf8.starts(with: "S-1-".utf8) || $0.user.utf8.starts(with: "s-1-".utf8)
            }
            if sids { bySID.reserveCapacity(accounts.count) }
            var domains: [String?] = []
            domains.reserveCapacity(accounts.count)
            for index in accounts.indices {
                if sids, let sid = accounts[index].sid { bySID[sid.description.uppercased()] = index }
                let name = accounts[index].name.lowercased()
                if byName[name] == nil { byName[name] = index }
                domains.append(accounts[index].domain?.lowercased())
            }
            self.domains = domains
        }

        func index(of user: String) -> Int? {
            let text = user.trimmingBlanks()
            let lower = text.lowercased()
            if lower.hasPrefix("s-1-") { return bySID[text.uppercased()] }
            if let at = lower.firstIndex(of: "@") { return byName[String(lower[..<at])] }
            guard let slash = lower.lastIndex(of: "\\") else { return byName[lower] }
            guard let index = byName[String(lower[lower.index(after: slash)...])] else { return nil }
            // `DOMAIN\name` names the account when the domain is its own (or the account's domain is unknown).
            let domain = lower[..<slash]
            return domains[index].map { $0 == domain } ?? true ? index : nil
        }
    }
}

/// The role → permission maps as look-ups: each role's patient-data permissions under three keys (the role alone, from
/// any map; the role in maps naming no application; the role within its application). An assignment naming its
/// application takes the last two, one naming none the first, so that two applications' roles of the same name stay
/// apart whenever the exports say which is which.
struct ClinicalRoleMap {
    private var any: [String: Set<String>] = [:]
    private var unscoped: [String: Set<String>] = [:]
    private var scoped: [String: Set<String>] = [:]
    private var known: Set<String> = []
    /// Distinct permissions (within their application) that open patient data.
    private(set) var patientPermissions = 0
    /// Distinct permissions (within their application) whose sensitivity is blank and whose application `vigil.yaml`
    /// does not classify.
    private(set) var unclassifiedPermissions = 0

    /// The look-ups of `permissions`; `classified` gives an application's classification in `vigil.yaml`, which
    /// decides for permissions whose sensitivity is blank.
    init(_ permissions: [RolePermission], classified: (String?) -> Resource.Classification?) {
        var patient: Set<String> = []
        var unclassified: Set<String> = []
        for permission in permissions {
            let role = ClinicalRoleReach.key(permission.role)
            let application = permission.application.map(ClinicalRoleReach.key)
            let key = "\(application ?? "")\n\(role)"
            known.formUnion([role, key])
            guard let sensitivity = permission.sensitivity ?? classified(permission.application) else {
                unclassified.insert("\(application ?? "")\n\(permission.permission)")
                continue
            }
            guard sensitivity == .patientConfidential else { continue }
            patient.insert("\(application ?? "")\n\(permission.permission)")
            any[role, default: []].insert(permission.permission)
            if application == nil {
                unscoped[role, default: []].insert(permission.permission)
            } else {
                scoped[key, default: []].insert(permission.permission)
            }
        }
        patientPermissions = patient.count
        // Counted even when another row gives the same permission as patient data: the blank row's role is not
        // credited with it, so the reach is still a floor.
        unclassifiedPermissions = unclassified.count
    }

    /// The patient-data permissions `assignment`'s role grants, and whether any map lists the role at all.
    func permissions(of assignment: RoleAssignment) -> (permissions: Set<String>, listed: Bool) {
        let role = ClinicalRoleReach.key(assignment.role)
        guard let application = assignment.application.map(ClinicalRoleReach.key) else {
            return (any[role] ?? [], known.contains(role))
        }
        let key = "\(application)\n\(role)"
        return (
            (scoped[key] ?? []).union(unscoped[role] ?? []), known.contains(key) || known.contains("\n\(role)")
        )
    }
}

/// A role as one assignment spells it (role, application, scope as written): the memo key of the join's per-row
/// look-ups, compared exactly, so that two spellings of one role are each normalised once and meet in the normalised key.
struct RoleSpelling: Hashable {
    var role: String
    var application: String?
    var scope: String?
}

extension ClinicalRoleMap {
    /// ``ClinicalRoleMap/permissions(of:)`` remembered per spelling of role and application.
    struct Memo {
        private var known: [RoleSpelling: (permissions: Set<String>, listed: Bool)] = [:]

        /// The patient-data permissions `assignment`'s role grants in `map`, and whether any map lists the role.
        mutating func permissions(of assignment: RoleAssignment, in map: ClinicalRoleMap) -> (
            permissions: Set<String>, listed: Bool
        ) {
            let spelling = RoleSpelling(role: assignment.role, application: assignment.application, scope: nil)
            if let found = known[spelling] { return found }
            let found = map.permissions(of: assignment)
            known[spelling] = found
            return found
        }
    }
}
