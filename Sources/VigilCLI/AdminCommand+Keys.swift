import ArgumentParser
import Foundation
import VigilCore
import VigilStore
import VigilSubmission

extension AdminCommand {
    /// `vigil admin show-key`.
    struct ShowKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-key",
            abstract: "Print the fingerprint of the pseudonymisation key the service has recorded for an organisation.",
            discussion: """
                The fingerprint alone, on one line: what the organisation reads out with `vigil submit \
                --key-fingerprint` when a submission was refused as under another key (409, \
                submission.key-changed). Nothing is printed when no key is recorded yet (no submission carrying one \
                has been applied): a note on standard error says so, and the next such submission records its own.

                Exit codes: 0 printed, or none recorded; 64 a bad option; 65 the organisation is unknown; 66 the \
                database does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        func run() async throws {
            let recorded = try await store.withStore { try await $0.keyFingerprint(organisation: code) }
            if let recorded {
                print(recorded)
            } else {
                Terminal.error("vigil: \(code) has no key recorded yet: its next submission records its own")
            }
        }
    }

    /// `vigil admin accept-key`.
    struct AcceptKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accept-key",
            abstract: "Accept an organisation's new pseudonymisation key (by fingerprint), retiring its old tickets.",
            discussion: """
                The service records the fingerprint of the key an organisation's submissions are keyed by and \
                refuses one under another key (409, submission.key-changed): its findings would all look new and \
                its old tickets could be closed with no evidence of a fix. When an organisation replaced its key on \
                purpose (a key exposed), it sends the new key's fingerprint (`vigil submit --key-fingerprint`) and \
                this records it. The tickets keyed by the old key are retired: no later submission fixes them, and \
                each is left unverified once its area is assessed again; the findings still there open new tickets \
                under the new key. An organisation with no key recorded yet needs nothing: its next submission \
                records its own. Audited.

                Exit codes: 0 accepted; 64 a bad option; 65 the organisation is unknown, has no key recorded yet, \
                or the key is its already; 66 the database does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        @Option(
            help: ArgumentHelp(
                "The new key's fingerprint: the 16 hex digits `vigil submit --key-fingerprint` prints.",
                valueName: "hex"))
        var fingerprint: String

        func validate() throws {
            // Read out over the telephone, it may come in capitals.
            guard PseudonymKey.isFingerprint(fingerprint.lowercased()) else {
                throw ValidationError(
                    "--fingerprint is the 16 hex digits `vigil submit --key-fingerprint` prints")
            }
        }

        func run() async throws {
            let accepted = try await store.withStore {
                try await $0.acceptKey(
                    organisation: code, fingerprint: fingerprint.lowercased(), origin: .operatorNow())
            }
            print(
                "Accepted key \(accepted.fingerprint) for \(code) in place of \(accepted.previous ?? "none"); \(Wording.count(accepted.retired, "live ticket")) of the old key retired."
            )
        }
    }
}
