import ArgumentParser
import Foundation
import Logging
import Synchronization
import VigilCore
import VigilIO
import VigilReport
import VigilStore

/// `vigil admin`: set up the national service's organisations and their submission tokens.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract:
            "Set up the national service: organisations, submission tokens, people, alerts, exceptions; read the audit log.",
        discussion: """
            Every admin command acts on the database directly (--database), as the service's operator; the \
            server need not run.

            Every change made here is written to the audit log with the actor `operator` and the address `cli`.

            A SQLite --database that does not exist is created only by the commands that add something \
            (create-organisation, create-user, issue-alert); the others refuse it (66), so a mistyped path never \
            leaves an empty database behind. A path naming a folder, or a file that is not a SQLite database, is \
            refused (69) and left as it is.

            Exit codes: 0 done; 64 a bad option or value (a day or time the calendar does not have included), an \
            unknown alert id or rule; 65 the organisation is unknown, exists already or is not valid (a parent that \
            is an organisation, a region's code), a person with that name exists or none does, a region with no \
            organisation under it, no live token has that fingerprint, or a key to accept is \
            the organisation's already or it has none recorded yet; 66 a password file cannot be read, or \
            the database does not exist; 69 the database cannot be used (a folder or a file that is not SQLite, it \
            does not answer within 15 s, or refuses); 73 an output file cannot be written.
            """,
        subcommands: [
            CreateOrganisation.self, IssueToken.self, ListTokens.self, RevokeToken.self, ShowKey.self, AcceptKey.self,
            ListOrganisations.self,
            IssueAlert.self, ListAlerts.self, AlertStatusCommand.self, CreateUser.self, ListUsers.self,
            DisableUser.self, EnableUser.self, Audit.self, ListTickets.self,
            RequestException.self, DecideException.self, ListExceptions.self, Sweep.self, SeedScale.self,
        ]
    )

    /// Where the store is, shared by every admin command.
    struct StoreOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp("A SQLite file, or postgres://user:password@host:port/database.", valueName: "database"))
        var database = "vigil-national.sqlite"

        /// How long the database has to answer before a command gives up on it.
        static let answerTimeout = 15.0

        /// Whether `--database` is a PostgreSQL address rather than a SQLite file.
        var isPostgres: Bool { database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") }

        /// Opens and migrates the store, runs `body`, and stops the store. A SQLite file that is missing is made only
        /// when `creating` (commands that add something); the others end with 66 rather than leave an empty database
        /// behind a typing mistake. A database that does not answer, or fails, ends the command with 69 and one line,
        /// not the connection pool's retries and log.
        func withStore<T: Sendable>(
            creating: Bool = false, _ body: @Sendable (SQLNationalStore) async throws -> T
        ) async throws -> T {
            var logger = Logger(label: "vigil.store")
            logger.logLevel = .critical
            do {
                let store = try SQLNationalStore(address: database, creating: creating, logger: logger)
                return try await store.withRunning {
                    guard await store.answers(within: Self.answerTimeout) else {
                        Terminal.error(
                            isPostgres
                                ? "vigil: the database does not answer (within \(Int(Self.answerTimeout)) s): is it running, and are its name, user and password right?"
                                : "vigil: \(database): the SQLite database cannot be read (damaged, or locked by another program)"
                        )
                        throw VigilExit.unavailable
                    }
                    try await store.migrate()
                    return try await body(store)
                }
            } catch let error as StoreError {
                Terminal.error("vigil: \(error)")
                switch error.code {
                case .duplicateOrganisation, .unknownOrganisation, .invalidOrganisation, .duplicateUser, .unknownUser,
                    .unknownToken, .keyChanged:
                    throw VigilExit.dataError
                case .unknownAlert, .invalidAlert, .alertApplies, .alertClosed, .invalidUser, .unknownException,
                    .invalidException, .forbidden:
                    throw ExitCode.validationFailure
                case .missingDatabase:
                    throw VigilExit.noInput
                case .invalidAddress, .unusableFile, .newerSchema, .corrupt, .undone, .unreachable:
                    throw VigilExit.unavailable
                }
            } catch let error as ExitCode {
                throw error
            } catch is CancellationError {
                throw ExitCode.failure
            } catch let error where error is ValidationError || error is CleanExit {
                throw error
            } catch {
                // The database's own error (a query refused, a connection lost): named by kind, never quoted, as it
                // may hold the address and its password.
                Terminal.error("vigil: the database could not be used (\(type(of: error)))")
                throw VigilExit.unavailable
            }
        }
    }

    /// `vigil admin create-organisation`.
    struct CreateOrganisation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-organisation", abstract: "Add an organisation (ODS code, name, kind, parents).",
            discussion: """
                --parents places it: its region, then its ICB (Y56,QMJ), each standing where the other organisations \
                have it. A parent is a region or ICB, never another organisation; a region is never an organisation, \
                and an ICB is one (it submits its own assessments) only as --kind commissioning-body where it stands. \
                Creates a SQLite database that does not exist yet (owner-only).

                Exit codes: 0 created; 64 a bad option; 65 the code exists already, or the organisation is not valid \
                (its parents contradict the tree); 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code (capital letters and digits).")
        var code: String

        @Option(help: "The organisation's name.")
        var name: String

        @Option(
            help:
                "acute-trust, mental-health-trust, community-trust, ambulance-trust, gp-practice, commissioning-body or other."
        )
        var kind: String = "other"

        @Option(help: "The codes above it, nation first, comma-separated (region,ICB).")
        var parents: String = ""

        func validate() throws {
            guard Organisation.Kind(rawValue: kind) != nil else {
                throw ValidationError(
                    "--kind is one of \(Organisation.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let organisation = NewOrganisation(
                code: code, name: name, kind: Organisation.Kind(rawValue: kind) ?? .other,
                parents: parents.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let made = try await store.withStore(creating: true) { store in
                let made = try await store.createOrganisation(organisation)
                try await store.audit(
                    AuditEntry(.createOrganisation, actor: "operator", organisation: made.id, origin: .operatorNow()))
                return made
            }
            print("Created \(made.code) (\(made.path)).")
        }
    }

    /// `vigil admin issue-token`.
    struct IssueToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-token",
            abstract: "Make a submission token for an organisation; it is shown once and stored only hashed.",
            discussion: """
                The token is printed, or written to --out (0600) with its fingerprint printed. It is stored only \
                once it has been handed over: a file that cannot be written leaves nothing stored and no token \
                revoked. An existing --out file is not overwritten (the token in it may still be live) unless \
                --replace is given, which revokes every other token of the organisation in the same step. The \
                audit log names the new and the revoked tokens by fingerprint.

                Exit codes: 0 issued; 64 a bad option; 65 the organisation is unknown; 66 the database does not \
                exist; 69 the database cannot be used; 73 --out exists (without --replace) or cannot be written.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        @Option(
            help: ArgumentHelp(
                "Write the token to this file (0600) instead of printing it; an existing file only with --replace.",
                valueName: "file"))
        var out: String?

        @Flag(
            help:
                "Revoke the organisation's other tokens as this one is made (rotation, or a token leaked); lets --out overwrite its file."
        )
        var replace = false

        func run() async throws {
            // A file already there may hold a live token; a device (/dev/stdout) is written into, as AtomicFile does.
            if let out, !replace,
                (try? FileManager.default.attributesOfItem(atPath: out)[.type] as? FileAttributeType) == .typeRegular
            {
                Terminal.error(
                    "vigil: \(out) exists: the token in it may be live; give --replace to rotate it (the others are revoked), or another --out"
                )
                throw VigilExit.cannotCreate
            }
            let (code, out, replace) = (code, out, replace)
            let written = WrittenFlag()
            let issued: IssuedToken
            do {
                issued = try await store.withStore { store in
                    try await store.issueToken(organisation: code, replacing: replace, origin: .operatorNow()) {
                        issued in
                        try Self.deliver(issued, to: out, replacing: replace)
                        written.set()
                    }
                }
            } catch {
                // Written, then not stored (the commit failed): the file holds no live token, and is taken away.
                if let out, written.isSet { try? FileManager.default.removeItem(atPath: out) }
                throw error
            }
            if let out {
                print(
                    "Wrote the token for \(code) (fingerprint \(issued.fingerprint)) to \(out); it is not stored anywhere else."
                )
            }
            if !issued.revoked.isEmpty || replace {
                Terminal.error("vigil: revoked \(Wording.count(issued.revoked.count, "other token")) of \(code)")
            }
        }

        /// Prints the token, or writes it to `out` (never over a file there without `replacing`: two runs at once end
        /// with one file); called before the token is stored, which a failure here undoes.
        static func deliver(_ issued: IssuedToken, to out: String?, replacing: Bool) throws {
            guard let out else {
                // Written at once, so that a pipe that cannot take it fails before the token is stored.
                do {
                    try FileHandle.standardOutput.write(contentsOf: Data((issued.token + "\n").utf8))
                } catch {
                    Terminal.error("vigil: the token could not be printed; no token was stored or revoked")
                    throw VigilExit.cannotCreate
                }
                return
            }
            let bytes = Array((issued.token + "\n").utf8)
            let creation: AtomicFile.Creation
            do throws(FileError) {
                if replacing {
                    try AtomicFile.write(Data(bytes), to: URL(fileURLWithPath: out))
                    creation = .created
                } else {
                    creation = try AtomicFile.createOnce(bytes, at: URL(fileURLWithPath: out))
                }
            } catch {
                Terminal.error(
                    "vigil: \(out): the token could not be written (\(error.message)); no token was stored or revoked")
                throw VigilExit.cannotCreate
            }
            guard creation == .created else {
                Terminal.error(
                    "vigil: \(out) exists: the token in it may be live; give --replace to rotate it (the others are revoked), or another --out"
                )
                throw VigilExit.cannotCreate
            }
        }
    }

    /// Whether a token file was written, set within the storing transaction and read after it.
    final class WrittenFlag: Sendable {
        private let state = Mutex(false)
        func set() { state.withLock { $0 = true } }
        var isSet: Bool { state.withLock { $0 } }
    }

    /// `vigil admin list-tokens`.
    struct ListTokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-tokens",
            abstract: "List an organisation's submission tokens by fingerprint: issued, and revoked if they were.",
            discussion: """
                A fingerprint is the first 12 hex digits of the token's SHA-256: it names a token to revoke-token \
                and submits nothing. `sha256sum` of a token file's first line (without its newline) shows it.

                Exit codes: 0 listed; 64 a bad option; 65 the organisation is unknown; 66 the database does not \
                exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        func run() async throws {
            for token in try await store.withStore({ try await $0.tokens(organisation: code) }) {
                let revoked = token.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "live"
                print("\(token.fingerprint)\tissued \(token.createdAt.formatted(.iso8601))\t\(revoked)")
            }
        }
    }

    /// `vigil admin revoke-token`.
    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-token",
            abstract: "Revoke an organisation's submission token (by fingerprint), or all of them: refused at once.",
            discussion: """
                A revoked token is refused with 401 from the next request; what it submitted stays. To rotate, \
                issue-token --replace makes a new token and revokes the others in one step. Audited.

                Exit codes: 0 revoked; 64 a bad option (neither or both of --fingerprint and --all); 65 the \
                organisation is unknown, or no live token has that fingerprint; 66 the database does not exist; 69 \
                the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        @Option(help: ArgumentHelp("The token's fingerprint, from list-tokens.", valueName: "hex"))
        var fingerprint: String?

        @Flag(help: "Revoke every live token of the organisation.")
        var all = false

        func validate() throws {
            guard (fingerprint != nil) != all else { throw ValidationError("give --fingerprint or --all") }
            if let fingerprint {
                guard fingerprint.utf8.count == SQLNationalStore.tokenFingerprintLength,
                    fingerprint.allSatisfy(\.isHexDigit)
                else {
                    throw ValidationError(
                        "--fingerprint is the \(SQLNationalStore.tokenFingerprintLength) hex digits list-tokens shows")
                }
            }
        }

        func run() async throws {
            let revoked = try await store.withStore {
                try await $0.revokeTokens(organisation: code, fingerprint: fingerprint, origin: .operatorNow())
            }
            print("Revoked \(Wording.count(revoked, "token")) of \(code).")
        }
    }

    /// `vigil admin list-organisations`.
    struct ListOrganisations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-organisations", abstract: "List the organisations, by path.",
            discussion: """
                One line per organisation, tab-separated: path, kind, name.

                Exit codes: 0 listed; 64 a bad option; 66 the database does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        func run() async throws {
            for organisation in try await store.withStore({ try await $0.organisations() }) {
                print("\(organisation.path)\t\(organisation.kind.rawValue)\t\(organisation.name)")
            }
        }
    }
}
