import ArgumentParser
import Foundation
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

            Exit codes: 0 done; 64 a bad option or value, an unknown alert id or rule; 65 the organisation is \
            unknown, exists already or is not valid, or a person with that name exists; 66 a password file cannot \
            be read; 69 the database cannot be used; 73 an output file cannot be written.
            """,
        subcommands: [
            CreateOrganisation.self, IssueToken.self, ListOrganisations.self, IssueAlert.self, ListAlerts.self,
            AlertStatusCommand.self, CreateUser.self, ListUsers.self, Audit.self, ListTickets.self,
            RequestException.self, DecideException.self, ListExceptions.self, Sweep.self, SeedScale.self,
        ]
    )

    /// Where the store is, shared by every admin command.
    struct StoreOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp("A SQLite file, or postgres://user:password@host:port/database.", valueName: "database"))
        var database = "vigil-national.sqlite"

        /// Opens and migrates the store, runs `body`, and stops the store.
        func withStore<T: Sendable>(_ body: @Sendable (SQLNationalStore) async throws -> T) async throws -> T {
            do {
                let store = try SQLNationalStore(address: database)
                return try await store.withRunning {
                    try await store.migrate()
                    return try await body(store)
                }
            } catch let error as StoreError {
                Terminal.error("vigil: \(error)")
                switch error.code {
                case .duplicateOrganisation, .unknownOrganisation, .invalidOrganisation, .duplicateUser:
                    throw VigilExit.dataError
                case .unknownAlert, .invalidAlert, .alertApplies, .alertClosed, .invalidUser, .unknownException,
                    .invalidException, .forbidden:
                    throw ExitCode.validationFailure
                case .invalidAddress, .newerSchema, .corrupt, .undone:
                    throw VigilExit.unavailable
                }
            }
        }
    }

    /// `vigil admin create-organisation`.
    struct CreateOrganisation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-organisation", abstract: "Add an organisation (ODS code, name, kind, parents).")

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
            let made = try await store.withStore { store in
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
            abstract: "Make a submission token for an organisation; it is shown once and stored only hashed.")

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        @Option(help: ArgumentHelp("Write the token to this file (0600) instead of printing it.", valueName: "file"))
        var out: String?

        func run() async throws {
            let token = try await store.withStore { store in
                let token = try await store.issueToken(organisation: code, at: Date())
                let organisation = try await store.organisation(code: code)
                try await store.audit(
                    AuditEntry(.issueToken, actor: "operator", organisation: organisation?.id, origin: .operatorNow()))
                return token
            }
            guard let out else {
                print(token)
                return
            }
            do {
                try AtomicFile.write(Data((token + "\n").utf8), to: URL(fileURLWithPath: out))
            } catch {
                Terminal.error("vigil: \(out): the token could not be written")
                throw VigilExit.cannotCreate
            }
            print("Wrote the token for \(code) to \(out); it is not stored anywhere else.")
        }
    }

    /// `vigil admin list-organisations`.
    struct ListOrganisations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-organisations", abstract: "List the organisations, by path.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            for organisation in try await store.withStore({ try await $0.organisations() }) {
                print("\(organisation.path)\t\(organisation.kind.rawValue)\t\(organisation.name)")
            }
        }
    }
}
