/// What a finding is about: an account, a host, a file, a policy, a claim…
public struct Subject: Codable, Sendable, Hashable, Comparable {
    /// The kind of thing the subject is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case organisation, domain, account, group, host, resource, file, advisory, claim
    }

    /// The kind of subject.
    public var kind: Kind
    /// A stable key for the subject within its kind (an account's SID, a host's name, a file's path).
    public var id: String
    /// How people should see it named (`RIVERSIDE\amy.hall`). Never a hash or a full patient identifier.
    public var name: String

    public init(kind: Kind, id: String, name: String) {
        self.kind = kind
        self.id = id
        self.name = name
    }

    /// The subject for a directory account.
    public static func account(_ account: Account) -> Subject {
        Subject(kind: .account, id: account.id, name: account.qualifiedName)
    }

    /// The subject for a directory domain.
    public static func domain(_ domain: DirectoryDomain) -> Subject {
        Subject(kind: .domain, id: domain.sid?.description ?? domain.dnsName.lowercased(), name: domain.dnsName)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.kind.rawValue, lhs.name, lhs.id) < (rhs.kind.rawValue, rhs.name, rhs.id)
    }
}
