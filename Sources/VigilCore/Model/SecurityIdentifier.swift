/// A Windows security identifier (SID) such as `S-1-5-21-1004336348-1177238915-682003330-512`.
public struct SecurityIdentifier: Codable, Sendable, Hashable, Comparable {
    /// The identifier authority (5 for `NT AUTHORITY`).
    public var authority: UInt64
    /// The sub-authorities; for a domain principal the last one is its relative identifier (RID).
    public var subAuthorities: [UInt32]

    public init(authority: UInt64, subAuthorities: [UInt32]) {
        self.authority = authority
        self.subAuthorities = subAuthorities
    }

    /// Decodes the binary form stored in `objectSid`: revision, count, 6-byte big-endian authority, little-endian
    /// sub-authorities. Returns `nil` unless the bytes are a well-formed revision-1 SID.
    public init?(bytes: some Collection<UInt8>) {
        guard let sid = Array(bytes).withUnsafeBufferPointer({ SecurityIdentifier(buffer: $0) }) else { return nil }
        self = sid
    }

    /// Decodes the binary form from a buffer (the readers' fast path).
    public init?(buffer bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 8, bytes[0] == 1 else { return nil }
        let count = Int(bytes[1])
        guard count <= 15, bytes.count == 8 + 4 * count else { return nil }
        var authority: UInt64 = 0
        for index in 2..<8 { authority = authority << 8 | UInt64(bytes[index]) }
        self.authority = authority
        subAuthorities = (0..<count).map { index in
            let base = 8 + 4 * index
            return UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16
                | UInt32(bytes[base + 3]) << 24
        }
    }

    /// Parses the string form `S-1-<authority>-<sub>-…`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "S" || parts[0] == "s", parts[1] == "1",
            let authority = UInt64(parts[2])
        else { return nil }
        var subs: [UInt32] = []
        for part in parts.dropFirst(3) {
            guard let value = UInt32(part) else { return nil }
            subs.append(value)
        }
        self.authority = authority
        self.subAuthorities = subs
    }

    /// The relative identifier: the last sub-authority of a domain principal.
    public var rid: UInt32? { subAuthorities.last }

    /// The SID of the domain this principal belongs to (all but the RID), for `S-1-5-21-…` principals.
    public var domain: SecurityIdentifier? {
        guard authority == 5, subAuthorities.first == 21, subAuthorities.count == 5 else { return nil }
        return SecurityIdentifier(authority: authority, subAuthorities: Array(subAuthorities.dropLast()))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let sid = SecurityIdentifier(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a SID like S-1-5-21-…")
        }
        self = sid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension SecurityIdentifier: CustomStringConvertible {
    /// The string form, `S-1-5-21-…`.
    public var description: String {
        var text = "S-1-"
        text.reserveCapacity(12 + 11 * subAuthorities.count)
        text += String(authority)
        for sub in subAuthorities {
            text += "-"
            text += String(sub)
        }
        return text
    }
}
