import Crypto
public import Foundation
public import VigilCore

/// The organisation's secret for pseudonymising subjects: `HMAC-SHA256(key, kind ‖ id)`, truncated to 128 bits. A
/// plain hash of a host name or a SID could be reversed by guessing; a keyed one cannot without the key, which never
/// leaves the organisation, while the organisation itself can map keys back by recomputing them.
public struct PseudonymKey: Sendable {
    /// The key's bytes (256 bits).
    let key: SymmetricKey

    /// A key of `bytes` (exactly 32).
    public init(bytes: some ContiguousBytes) throws(SubmissionError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == 256 else {
            throw SubmissionError(.invalidKey, "a pseudonymisation key is 32 bytes (64 hex digits)")
        }
        self.key = key
    }

    /// A new random key.
    public static func generate() -> PseudonymKey {
        // 32 bytes from the system's secure generator, so this cannot fail.
        PseudonymKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) {
        self.key = key
    }

    /// The pseudonymous key of the subject of `kind` with stable `id` (32 hex digits). Independent of the rule, so a
    /// host's findings and its coverage share one key.
    ///
    /// A permission (a `resource` whose id is `path|principal`) is keyed as two halves: its folder's 64-bit key, then
    /// its own. Coverage names folders (the paths whose permissions were exported), so the service can tell that a
    /// permission it has a ticket for was on a covered folder without learning the folder (``coverageKey(kind:id:)``).
    public func subjectKey(kind: Subject.Kind, id: String) -> String {
        if kind == .resource, let bar = id.firstIndex(of: "|") {
            return half("resource-folder", String(id[..<bar])) + half(kind.rawValue, id)
        }
        return HexDigit.encode(code(kind.rawValue, id).prefix(16))
    }

    /// The key a coverage group lists for the covered subject `id` of `kind`: the subject's key, except for a folder
    /// whose permissions were exported (a `resource` id without `|`), listed as its half key twice.
    public func coverageKey(kind: Subject.Kind, id: String) -> String {
        guard kind == .resource, !id.contains("|") else { return subjectKey(kind: kind, id: id) }
        let folder = half("resource-folder", id)
        return folder + folder
    }

    /// The coverage key of the folder a permission's key names (its first half twice), or `nil` for a key that is not
    /// 32 characters. What the service looks up to see whether a permission's folder was covered.
    public static func folderCoverageKey(ofPermission subject: String) -> String? {
        guard subject.utf8.count == 32 else { return nil }
        let folder = String(subject.prefix(16))
        return folder + folder
    }

    private func half(_ domain: String, _ id: String) -> String {
        HexDigit.encode(code(domain, id).prefix(8))
    }

    private func code(_ domain: String, _ id: String) -> Data {
        let message = "vigil-subject-v1\u{1F}\(domain)\u{1F}\(id)"
        return Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }

    /// What tells this key from another without revealing it: 64 bits of an HMAC of a fixed message no subject's
    /// can equal, as 16 lowercase hex digits. A submission carries it so that the service can refuse one keyed by a
    /// key other than the organisation's (a key file lost and generated again, or one from another machine), whose
    /// subjects would match none of its tickets; `vigil submit --key-fingerprint` prints it.
    public var fingerprint: String {
        let message = Data("vigil-key-fingerprint-v1".utf8)
        return HexDigit.encode(Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(8))
    }

    /// Whether `text` has the shape of a ``fingerprint``: 16 lowercase hex digits.
    public static func isFingerprint(_ text: String) -> Bool {
        isLowerHex(text, count: 16)
    }

    /// Whether `text` is exactly `count` lower-case hex digits: the shape of a fingerprint and of a subject key.
    static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }

    /// The key as it is stored: 64 hex digits and a newline.
    public var fileContents: String {
        key.withUnsafeBytes { HexDigit.encode(Data($0)) } + "\n"
    }

    /// Reads a key stored by ``fileContents``.
    public init(fileContents: String) throws(SubmissionError) {
        let text = fileContents.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(text.utf8)
        guard bytes.count == 64 else {
            throw SubmissionError(.invalidKey, "a pseudonymisation key file holds 64 hex digits")
        }
        var raw: [UInt8] = []
        raw.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = HexDigit.value(bytes[index]), let low = HexDigit.value(bytes[index + 1]) else {
                throw SubmissionError(.invalidKey, "a pseudonymisation key file holds only hex digits")
            }
            raw.append(high << 4 | low)
        }
        try self.init(bytes: raw)
    }
}
