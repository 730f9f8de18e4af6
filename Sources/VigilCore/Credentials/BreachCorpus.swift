import Crypto

/// A corpus of breached password hashes with how often each was seen (such as Have I Been Pwned's Pwned Passwords),
/// indexed so that a look-up costs the same whatever the corpus size.
public protocol BreachCorpus: Sendable {
    /// The hash the corpus holds.
    var hashKind: BreachHashKind { get }
    /// How many distinct hashes the corpus holds.
    var entryCount: Int { get }
    /// What the corpus is, for reports (`pwned-passwords-ntlm-ordered-by-hash-v8.txt: 847,223,402 NTLM hashes`).
    var sourceDescription: String { get }
    /// How many times the password whose hash starts with these eight bytes (big-endian) was seen, or `nil`.
    func prevalence(ofKey key: UInt64) -> Int?
}

extension BreachCorpus {
    /// How many times `password` (as UTF-16 code units) was seen, hashing it the way the corpus does.
    public func prevalence(ofPassword units: [UInt16]) -> Int? {
        switch hashKind {
        case .ntlm:
            return prevalence(of: NTHash(password: String(decoding: units, as: UTF16.self)))
        case .sha1:
            let digest = Insecure.SHA1.hash(data: Array(String(decoding: units, as: UTF16.self).utf8))
            return prevalence(ofKey: digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }
    }

    /// How many times the password with this NT hash was seen in breaches, or `nil` (also `nil` for a SHA-1 corpus).
    public func prevalence(of hash: NTHash) -> Int? {
        guard hashKind == .ntlm else { return nil }
        return prevalence(ofKey: hash.high)
    }
}

/// The hash a breach corpus holds.
public enum BreachHashKind: String, Sendable, Codable, CaseIterable {
    /// NT hashes (MD4 of UTF-16LE), comparable with a domain's hash dump.
    case ntlm
    /// SHA-1 of the UTF-8 password; usable only for passwords Vigil has recovered.
    case sha1

    /// Hex digits per hash.
    public var hexLength: Int { self == .ntlm ? 32 : 40 }
}
