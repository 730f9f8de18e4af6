public import Foundation

/// One role held by one user in a clinical application, as the application's role export states it: who, which role,
/// where (a site, ward or organisation), and from when to when.
///
/// The user is the text the export wrote (a login name, `DOMAIN\name`, a UPN or a SID); the access analysis joins it
/// to the directory and counts what it cannot join, never dropping it unseen.
public struct RoleAssignment: Codable, Sendable, Hashable {
    /// The user as the export wrote it.
    public var user: String
    /// The role's name or code (`Ward Clerk`, `R8000`).
    public var role: String
    /// Where the role applies (a site, ward or organisation code); `nil` when it applies everywhere.
    public var scope: String?
    /// The clinical application the role belongs to, when the export says.
    public var application: String?
    /// The first day the role is held, when stated.
    public var start: Date?
    /// The last day the role is held (inclusive), when stated.
    public var end: Date?
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        user: String, role: String, scope: String? = nil, application: String? = nil, start: Date? = nil,
        end: Date? = nil, source: EvidenceReference
    ) {
        self.user = user
        self.role = role
        self.scope = scope
        self.application = application
        self.start = start
        self.end = end
        self.source = source
    }

    /// Whether the role is held on the day of `date`: on or after its start, and on or before its end (the whole of
    /// the end day counts, as the exports mean "until and including").
    public func isActive(at date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date >= end.addingTimeInterval(86_400) { return false }
        return true
    }
}

/// One permission a role of a clinical application grants, as the application's role → permission map states it, with
/// how sensitive the data behind it is.
public struct RolePermission: Codable, Sendable, Hashable {
    /// The role's name or code, as the role assignments write it.
    public var role: String
    /// The permission's name or code (`Read patient record`, `B0820`).
    public var permission: String
    /// How sensitive the data the permission opens is; `nil` when the map leaves it blank, so that the application's
    /// classification in `vigil.yaml` decides.
    public var sensitivity: Resource.Classification?
    /// The clinical application the role belongs to, when the map says.
    public var application: String?
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        role: String, permission: String, sensitivity: Resource.Classification?, application: String? = nil,
        source: EvidenceReference
    ) {
        self.role = role
        self.permission = permission
        self.sensitivity = sensitivity
        self.application = application
        self.source = source
    }
}
