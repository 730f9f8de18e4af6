import VigilCore

/// Reads a clinical application's role → permission map: a header naming `role`, `permission` and `sensitivity` (any
/// case and order, names as listed in ``Column``, other columns ignored), then one row per permission a role grants.
///
/// Sensitivity is `patient-confidential` (also `patient`, `patient data`, `clinical`), `confidential`, `internal` or
/// `unclassified` (also `none`, `public`); blank leaves it to the application's classification in `vigil.yaml`. A row
/// without a role or permission, or with another sensitivity, is rejected with its line, never its content.
public struct RolePermissionReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "role-permissions-csv",
        name: "Clinical role → permission map (CSV)",
        producedBy:
            "The clinical system's role definitions saved as CSV with columns role, permission, sensitivity (and application when it covers several); for smartcard roles, each position's role and activity codes from the Care Identity Service with the sensitivity of each activity (docs/formats/role-permissions-csv.md)"
    )

    /// The documented columns.
    enum Column: String, ClinicalRoleColumn {
        case role, permission, sensitivity, application

        var names: [String] {
            switch self {
            case .role:
                [
                    "role", "rolename", "rolecode", "position", "positionname", "jobrole", "jobrolecode", "accessrole",
                    "profile",
                ]
            case .permission:
                [
                    "permission", "permissionname", "right", "privilege", "function", "activity", "activitycode",
                    "activityname", "action",
                ]
            case .sensitivity: ["sensitivity", "classification", "datasensitivity", "dataclassification"]
            case .application: ["application", "system", "app"]
            }
        }

        static let required: [Column] = [.role, .permission, .sensitivity]
        static let oneOf: [Column] = []
    }

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.lines(limit: 2).first(where: { !$0.hasPrefix("#TYPE") }) else { return false }
        return ClinicalRoleHeader<Column>(first.utf8) != nil
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var permissions: [RolePermission] = []
        let log = try ClinicalRoleCSV.read(
            path: path, file: file, prefix: "rolemap",
            expected: "expected a header naming role, permission and sensitivity columns", as: Column.self,
            progress: progress
        ) { header, fields, source in
            guard let role = header.value(.role, in: fields) else {
                return ClinicalRoleRowProblem(code: "missing-role", expected: "role must not be empty")
            }
            guard let permission = header.value(.permission, in: fields) else {
                return ClinicalRoleRowProblem(code: "missing-permission", expected: "permission must not be empty")
            }
            guard case .some(let sensitivity) = Self.sensitivity(header.value(.sensitivity, in: fields)) else {
                return ClinicalRoleRowProblem(
                    code: "bad-sensitivity",
                    expected: "sensitivity must be patient-confidential, confidential, internal, unclassified or blank")
            }
            permissions.append(
                RolePermission(
                    role: role, permission: permission, sensitivity: sensitivity,
                    application: header.value(.application, in: fields), source: source))
            return nil
        }
        var fragment = EvidenceFragment(file: file)
        fragment.rolePermissions = permissions
        fragment.log = log
        return fragment
    }

    /// The classification a sensitivity cell names: `.some(nil)` for blank, `nil` for a word not documented.
    static func sensitivity(_ text: String?) -> Resource.Classification?? {
        guard let text else { return .some(nil) }
        switch ClinicalRoleHeader<Column>.normalised(text) {
        case "patientconfidential", "patient", "patientdata", "clinical", "patientidentifiable":
            return .some(.patientConfidential)
        case "confidential": return .some(.confidential)
        case "internal", "internaluse": return .some(.internalUse)
        case "unclassified", "none", "public": return .some(.unclassified)
        default: return nil
        }
    }
}
