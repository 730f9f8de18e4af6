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
    public func subjectKey(kind: Subject.Kind, id: String) -> String {
        let message = "vigil-subject-v1\u{1F}\(kind.rawValue)\u{1F}\(id)"
        let code = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return HexDigit.encode(Data(code).prefix(16))
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
