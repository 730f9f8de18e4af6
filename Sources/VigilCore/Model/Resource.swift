public import Foundation

/// Something holding information worth protecting: a file share, folder, file, application or database.
public struct Resource: Codable, Sendable, Hashable, Identifiable {
    /// What kind of thing the resource is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case share, folder, file, application, database
    }

    /// How sensitive the information in it is.
    public enum Classification: String, Codable, Sendable, CaseIterable, Comparable {
        case unclassified
        case internalUse = "internal"
        case confidential
        case patientConfidential = "patient-confidential"

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// A stable identifier (UNC path, application id).
    public var id: String
    /// A human-readable name.
    public var name: String
    /// The kind of resource.
    public var kind: Kind
    /// How sensitive it is.
    public var classification: Classification
    /// The host it lives on, when known.
    public var host: String?
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        id: String, name: String, kind: Kind, classification: Classification, host: String? = nil,
        source: EvidenceReference
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.classification = classification
        self.host = host
        self.source = source
    }
}

/// A recorded access to a resource (an audit log entry).
public struct AccessEvent: Codable, Sendable, Hashable {
    /// When it happened.
    public var time: Date
    /// Who acted (account name or SID).
    public var principal: String
    /// The resource's identifier.
    public var resourceID: String
    /// What was done (`read`, `update`, `login`…).
    public var action: String
    /// Whether it succeeded.
    public var succeeded: Bool
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        time: Date, principal: String, resourceID: String, action: String, succeeded: Bool, source: EvidenceReference
    ) {
        self.time = time
        self.principal = principal
        self.resourceID = resourceID
        self.action = action
        self.succeeded = succeeded
        self.source = source
    }
}
