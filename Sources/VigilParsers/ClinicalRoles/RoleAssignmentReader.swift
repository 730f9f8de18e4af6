import VigilCore

/// Reads role assignments exported from a clinical application (an electronic patient record, a GP system, the Care
/// Identity Service): a header naming `user` and `role` and at least one of `scope`, `start` or `end` (any case and
/// order, names as listed in ``Column``, other columns ignored), then one row per role a user holds.
///
/// Dates are ISO (`2024-03-01`), UK day-first (`01/03/2024`, `01.03.2024`) or compact (`20240301`); a blank end, or
/// `none`/`never`, means open-ended. A row without a user or role, with a date in none of those shapes, or ending before
/// it starts is rejected with its line, never its content. The delimiter is `,`, a tab, or `;` when the header has
/// neither.
public struct RoleAssignmentReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "role-assignments-csv",
        name: "Clinical role assignments (CSV)",
        producedBy:
            "The clinical system's user-role report saved as CSV with columns user, role, scope, start, end (and application when it covers several); for smartcard roles, the Care Identity Service position report with UUIDs replaced by directory logins (docs/formats/role-assignments-csv.md)"
    )

    /// The documented columns.
    enum Column: String, ClinicalRoleColumn {
        case user, role, scope, application, start, end

        var names: [String] {
            switch self {
            case .user:
                [
                    "user", "username", "login", "loginname", "logon", "account", "samaccountname", "userid", "upn",
                    "userprincipalname",
                ]
            case .role:
                [
                    "role", "rolename", "rolecode", "position", "positionname", "jobrole", "jobrolecode", "accessrole",
                    "profile",
                ]
            case .scope:
                [
                    "scope", "site", "ward", "location", "unit", "department", "organisation", "organisationcode",
                    "orgcode", "odscode", "organization",
                ]
            case .application: ["application", "system", "app"]
            case .start:
                ["start", "startdate", "from", "validfrom", "effectivefrom", "positionassignmentstartdate"]
            case .end:
                ["end", "enddate", "to", "validto", "until", "expires", "effectiveto", "positionassignmentenddate"]
            }
        }

        static let required: [Column] = [.user, .role]
        static let oneOf: [Column] = [.scope, .start, .end]
    }

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.lines(limit: 2).first(where: { !$0.hasPrefix("#TYPE") }) else { return false }
        return ClinicalRoleHeader<Column>(first.utf8) != nil
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var assignments: [RoleAssignment] = []
        let log = try ClinicalRoleCSV.read(
            path: path, file: file, prefix: "roles",
            expected: "expected a header naming user and role columns and some of scope, start, end",
            as: Column.self, progress: progress
        ) { header, fields, source in
            switch Self.assignment(header, fields, source: source) {
            case .success(let assignment):
                assignments.append(assignment)
                return nil
            case .failure(let problem):
                return problem
            }
        }
        var fragment = EvidenceFragment(file: file)
        fragment.roleAssignments = assignments
        fragment.log = log
        return fragment
    }

    /// The assignment a row states, or what it should have held.
    static func assignment(_ header: ClinicalRoleHeader<Column>, _ fields: [String], source: EvidenceReference)
        -> Result<RoleAssignment, ClinicalRoleRowProblem>
    {
        guard let user = header.value(.user, in: fields) else {
            return .failure(ClinicalRoleRowProblem(code: "missing-user", expected: "user must not be empty"))
        }
        guard let role = header.value(.role, in: fields) else {
            return .failure(ClinicalRoleRowProblem(code: "missing-role", expected: "role must not be empty"))
        }
        let shapes = "a date (2024-03-01, 01/03/2024 or 20240301), blank or none"
        guard case .success(let start) = ClinicalRoleCSV.day(header.value(.start, in: fields)) else {
            return .failure(ClinicalRoleRowProblem(code: "bad-date", expected: "start must be \(shapes)"))
        }
        guard case .success(let end) = ClinicalRoleCSV.day(header.value(.end, in: fields)) else {
            return .failure(ClinicalRoleRowProblem(code: "bad-date", expected: "end must be \(shapes)"))
        }
        if let start, let end, end < start {
            return .failure(
                ClinicalRoleRowProblem(code: "end-before-start", expected: "end must not be before start"))
        }
        return .success(
            RoleAssignment(
                user: user, role: role, scope: header.value(.scope, in: fields).flatMap(Self.scope),
                application: header.value(.application, in: fields), start: start, end: end, source: source))
    }

    /// A scope, or `nil` for the words exports use for "everywhere" (`*`, `all`, `all sites`, `any`).
    static func scope(_ text: String) -> String? {
        ["*", "all", "all sites", "any", "everywhere", "trust-wide", "organisation-wide"].contains(text.lowercased())
            ? nil : text
    }
}
