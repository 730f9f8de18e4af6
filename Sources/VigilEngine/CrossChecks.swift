import VigilAnalyzers
import VigilCore

/// Consistency checks between evidence files, reported with the evidence inventory.
enum CrossChecks {
    /// Hash-dump entries with no directory account, and enabled directory accounts with no hash, each summarised in
    /// one diagnostic pointing at the first instance.
    static func diagnose(_ directory: DirectoryIndex, estate: Estate) -> [Diagnostic] {
        guard !estate.credentials.isEmpty, !estate.accounts.isEmpty else { return [] }
        var diagnostics: [Diagnostic] = []
        let orphans = directory.unmatchedCredentials.filter { !$0.isMachineAccount }
        if let first = orphans.map(\.source).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning,
                    code: "cross.hash-without-account",
                    location: first,
                    message:
                        "\(Wording.count(orphans.count, "hash-dump entry", plural: "hash-dump entries")) match no account in the directory export (first here); their passwords were not assessed against account flags or privilege"
                )
            )
        }
        let missing = directory.accounts.indices.filter { index in
            let account = directory.accounts[index]
            return account.kind != .computer && !account.control.contains(.disabled)
                && directory.credentialOfAccount[index] == nil
        }
        if let first = missing.map({ directory.accounts[$0].source }).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning,
                    code: "cross.account-without-hash",
                    location: first,
                    message:
                        "\(Wording.count(missing.count, "enabled account")) in the directory export \(missing.count == 1 ? "has" : "have") no entry in the hash dump (first here); \(missing.count == 1 ? "its password was" : "their passwords were") not assessed"
                )
            )
        }
        return diagnostics.sorted()
    }
}
