public import VigilCore

/// What one evidence file contributed to the estate, with its diagnostics. The engine merges fragments into an
/// ``Estate``.
public struct EvidenceFragment: Sendable {
    /// Directory domains.
    public var domains: [DirectoryDomain] = []
    /// Directory accounts.
    public var accounts: [Account] = []
    /// Directory groups.
    public var groups: [DirectoryGroup] = []
    /// Password hash records.
    public var credentials: [CredentialRecord] = []
    /// Hosts.
    public var hosts: [Machine] = []
    /// Record counts and diagnostics.
    public var log: DiagnosticLog

    public init(file: String) {
        log = DiagnosticLog(file: file)
    }
}
