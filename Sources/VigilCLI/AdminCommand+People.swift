import ArgumentParser
import Foundation
import VigilCore
import VigilStore

extension AdminCommand {
    /// `vigil admin create-user`: a person who signs in to the service's pages, with a role that fixes what they see.
    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user",
            abstract:
                "Add a person who signs in to the pages: national analyst, regional viewer or organisation member.",
            discussion: """
                A national analyst sees every organisation; a regional viewer (--region) the organisations under \
                that region or ICB code; an organisation member (--organisation) only that organisation. The \
                password is never taken from the command line, where other users of the machine could read it: \
                without --password-file Vigil makes one (about 100 random bits) and prints it once; with \
                --password-file it is the file's first line (- reads standard input). It is stored only as a \
                bcrypt hash. The creation is written to the audit log.

                Exit codes: 0 created; 64 a bad option or value (role, name, password, a missing or extra \
                --organisation or --region); 65 the organisation is unknown, no organisation stands under the \
                --region code, or the name exists already; 66 the password file cannot be read; 69 the database \
                cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The sign-in name: an email address or a user name (letters, digits, . _ @ + -).")
        var name: String

        @Option(help: "The name shown on pages (default: the sign-in name).")
        var displayName: String?

        @Option(help: "national-analyst, regional-viewer or organisation-member.")
        var role: String

        @Option(help: ArgumentHelp("The organisation of an organisation member.", valueName: "ODS code"))
        var organisation: String?

        @Option(help: ArgumentHelp("The region or ICB of a regional viewer.", valueName: "code"))
        var region: String?

        @Option(
            help: ArgumentHelp(
                "Read the password from this file's first line (- for standard input).", valueName: "file"))
        var passwordFile: String?

        func validate() throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            switch role {
            case .nationalAnalyst:
                guard organisation == nil, region == nil else {
                    throw ValidationError("a national analyst takes neither --organisation nor --region")
                }
            case .regionalViewer:
                guard organisation == nil, region != nil else {
                    throw ValidationError("a regional viewer takes --region and no --organisation")
                }
            case .organisationMember:
                guard region == nil, organisation != nil else {
                    throw ValidationError("an organisation member takes --organisation and no --region")
                }
            }
        }

        func run() async throws {
            let role = Role(rawValue: role) ?? .organisationMember
            let password = try passwordFile.map(Self.readPassword) ?? Self.generatedPassword()
            let user = NewUser(
                login: name, displayName: displayName ?? name, role: role, organisation: organisation, region: region)
            let made = try await store.withStore(creating: true) {
                try await $0.createUser(user, password: password, origin: .operatorNow())
            }
            print("Created \(made.login) (\(made.role.rawValue)).")
            if passwordFile == nil {
                print("One-time password, shown once and stored only hashed: \(password)")
            }
        }

        /// The first line of `path` (`-`: standard input), at most 4 KiB read.
        static func readPassword(_ path: String) throws -> String {
            let data: Data?
            if path == "-" {
                data = try? FileHandle.standardInput.read(upToCount: 4_096)
            } else {
                data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 4_096)
            }
            let shown = path == "-" ? "standard input" : path
            guard let data else {
                Terminal.error("vigil: \(shown): the password file could not be read (missing, or not readable)")
                throw VigilExit.noInput
            }
            guard let text = String(data: data, encoding: .utf8) else {
                Terminal.error("vigil: \(shown): the password could not be read as UTF-8")
                throw VigilExit.noInput
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }

        /// 20 characters from a 32-letter alphabet without look-alikes (100 bits), in groups of four.
        static func generatedPassword() -> String {
            let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789AB")
            var generator = SystemRandomNumberGenerator()
            let letters = (0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return stride(from: 0, to: letters.count, by: 4).map { String(letters[$0..<$0 + 4]) }
                .joined(separator: "-")
        }
    }

    /// `vigil admin list-users`.
    struct ListUsers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-users",
            abstract: "List the people: sign-in name, role, scope, display name, and active or disabled (when).",
            discussion:
                "Exit codes: 0 listed; 64 a bad option; 66 the database does not exist; 69 the database cannot be used."
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            for user in try await store.withStore({ try await $0.users() }) {
                let scope =
                    switch user.role {
                    case .nationalAnalyst: "nation"
                    case .regionalViewer: user.region ?? ""
                    case .organisationMember: user.organisation?.code ?? ""
                    }
                let disabled = user.disabledAt.map { "disabled \($0.formatted(.iso8601))" } ?? "active"
                print(
                    "\(user.login)\t\(user.role.rawValue)\t\(scope)\t\(TerminalText.sanitised(user.displayName))\t\(disabled)"
                )
            }
        }
    }

    /// `vigil admin disable-user`: a leaver, or an account to suspend.
    struct DisableUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable-user",
            abstract: "Stop a person signing in (a leaver): their sessions end at once; their audit history stays.",
            discussion: """
                The account is kept, so the audit log still names who did what; it signs in no more (a sign-in \
                is refused as a wrong password would be, and audited as sign-in-disabled). enable-user undoes it.

                Exit codes: 0 disabled; 64 a bad option; 65 no person has that name; 66 the database does not \
                exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The person's sign-in name.")
        var name: String

        func run() async throws {
            let user = try await store.withStore { try await $0.setDisabled(login: name, true, origin: .operatorNow()) }
            print("Disabled \(user.login): signed out everywhere, and cannot sign in.")
        }
    }

    /// `vigil admin enable-user`.
    struct EnableUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable-user",
            abstract: "Let a disabled person sign in again (their lockout cleared).",
            discussion:
                "Exit codes: 0 enabled; 64 a bad option; 65 no person has that name; 66 the database does not exist; 69 the database cannot be used."
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The person's sign-in name.")
        var name: String

        func run() async throws {
            let user = try await store.withStore {
                try await $0.setDisabled(login: name, false, origin: .operatorNow())
            }
            print("Enabled \(user.login).")
        }
    }

    /// `vigil admin audit`: the audit log, for people or as JSON.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Show the audit log: sign-ins, failures, lockouts, views of organisations and changes.",
            discussion: """
                One line per entry, oldest first: time, action, who (a sign-in name, operator, token or unknown), \
                organisation, address and detail. The log never holds a password, a token or a name typed at a \
                failed sign-in.

                Exit codes: 0 shown; 64 a bad option or value (a day or time the calendar does not have); 66 the \
                database does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(
            help: ArgumentHelp(
                "Only entries at or after this time: ISO 8601, or a day YYYY-MM-DD (UTC).", valueName: "time"))
        var since: String?

        @Option(help: "text or json.")
        var format = "text"

        func validate() throws {
            _ = try Self.time(since)
            guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        }

        func run() async throws {
            let since = try Self.time(since)
            let records = try await store.withStore { try await $0.auditLog(since: since) }
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(records), as: UTF8.self))
                return
            }
            let formatter = ISO8601DateFormatter()
            for record in records {
                let cells = [
                    formatter.string(from: record.at), record.action.rawValue, record.who, record.organisation ?? "-",
                    record.address, record.detail ?? "",
                ]
                print(cells.map(TerminalText.sanitised).joined(separator: "\t"))
            }
        }

        static func time(_ text: String?) throws -> Date? {
            try text.map { try DateArgument.time($0, option: "--since") }
        }
    }
}
