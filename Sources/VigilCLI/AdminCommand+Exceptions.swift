import ArgumentParser
import Foundation
import VigilCore
import VigilReport
import VigilStore

extension AdminCommand {
    /// `vigil admin request-exception`: asks for an exception on a ticket on behalf of a person.
    struct RequestException: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-exception",
            abstract: "Ask for an exception on a ticket, as a member of its organisation (or a national analyst).",
            discussion: """
                The person named with --as asks: a member of the ticket's organisation, or a national analyst. The \
                ticket must be open or unverified (see list-tickets) and have no exception requested or in force; \
                --alert names the alert whose open match on it prompted the request. A national analyst other than \
                the requester approves it (decide-exception); until then nothing changes. The request lapses at its \
                expiry if undecided.

                Exit codes: 0 requested (its id is printed); 64 a bad option or value (an expiry that is not a day \
                of the calendar), an unknown ticket, a ticket not open, a person whose role may not ask; 65 no \
                person has that sign-in name; 66 the database does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(name: .customLong("as"), help: ArgumentHelp("The requester's sign-in name.", valueName: "login"))
        var login: String

        @Option(help: ArgumentHelp("The ticket's id (list-tickets).", valueName: "id"))
        var ticket: Int64

        @Option(help: ArgumentHelp("The alert whose match prompted the request.", valueName: "id"))
        var alert: Int64?

        @Option(help: "Why the finding cannot be remediated now: one line, at most 500 characters.")
        var reason: String

        @Option(help: "What reduces the risk meanwhile: one line, at most 1,000 characters.")
        var controls: String

        @Option(
            help: ArgumentHelp(
                "The last day it holds (UTC, inclusive), within 365 days.", valueName: "YYYY-MM-DD"))
        var expires: String

        func validate() throws {
            _ = try DateArgument.day(expires, option: "--expires")
        }

        func run() async throws {
            let day = try DateArgument.day(expires, option: "--expires")
            let request = NewException(
                ticket: ticket, alert: alert, reason: reason, controls: controls,
                expiresAt: day.addingTimeInterval(86_400))
            let login = login
            let record = try await store.withStore { store in
                let person = try await Self.person(login, in: store)
                let origin = Origin.operatorNow()
                let record = try await store.requestException(request, by: person.id, at: origin.at)
                try await store.audit(
                    AuditEntry(
                        .requestException, user: person.id, actor: "operator", organisation: record.organisation.id,
                        origin: origin, detail: "exception \(record.id) on ticket \(record.ticket.id)"))
                return record
            }
            print("Requested exception \(record.id) on ticket \(record.ticket.id) of \(record.organisation.code).")
        }

        /// The person signed in as `login`, or a usage error.
        static func person(_ login: String, in store: SQLNationalStore) async throws -> UserRecord {
            guard let person = try await store.users().first(where: { $0.login == login.lowercased() }) else {
                throw StoreError(.unknownUser, "no person has that sign-in name")
            }
            return person
        }
    }

    /// `vigil admin decide-exception`: approves or rejects a requested exception on behalf of an analyst.
    struct DecideException: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide-exception",
            abstract: "Approve or reject a requested exception, as a national analyst other than the requester.",
            usage: """
                vigil admin decide-exception <exception-id> --as <login> (--approve | --reject) \
                [--expires <YYYY-MM-DD>] [--database <database>]
                """,
            discussion: """
                An approval makes the ticket excepted until the expiry (brought forward with --expires, never \
                later): it no longer counts as open exposure. At the expiry the ticket opens again and its \
                remediation clock restarts. Evidence that fixes the ticket meanwhile still fixes it.

                Give exactly one of --approve and --reject.

                Exit codes: 0 decided; 64 a bad option or value (neither or both of --approve and --reject, an \
                expiry that is not a day of the calendar), an unknown exception, one decided already, a decider who \
                is not a national analyst or is the requester; 65 no person has that sign-in name; 66 the database \
                does not exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The exception's id (list-exceptions).", valueName: "exception-id"))
        var exception: Int64

        @Option(name: .customLong("as"), help: ArgumentHelp("The decider's sign-in name.", valueName: "login"))
        var login: String

        @Flag(help: "The decision: --approve or --reject (one of them).")
        var decision: Choice?

        @Option(
            help: ArgumentHelp("An earlier last day (UTC, inclusive) than the one requested.", valueName: "YYYY-MM-DD"))
        var expires: String?

        /// The flags `--approve` and `--reject`.
        enum Choice: String, EnumerableFlag {
            case approve, reject
        }

        func validate() throws {
            guard decision != nil else { throw ValidationError("give --approve or --reject") }
            if let expires { _ = try DateArgument.day(expires, option: "--expires") }
        }

        func run() async throws {
            let expiresAt = try expires.map { try DateArgument.day($0, option: "--expires").addingTimeInterval(86_400) }
            let (login, exception, decision) = (login, exception, decision)
            let choice: ExceptionDecision = decision == .reject ? .rejected : .approved
            let record = try await store.withStore { [expiresAt] store in
                let person = try await RequestException.person(login, in: store)
                let origin = Origin.operatorNow()
                let record = try await store.decideException(
                    exception, decision: choice, by: person.id, expiresAt: expiresAt, at: origin.at)
                try await store.audit(
                    AuditEntry(
                        .decideException, user: person.id, actor: "operator", organisation: record.organisation.id,
                        origin: origin, detail: "exception \(record.id): \(choice.rawValue)"))
                return record
            }
            print(
                "Exception \(record.id) \(record.state.rawValue); ticket \(record.ticket.id) is \(record.ticket.state.rawValue) until \(ISO8601DateFormatter().string(from: record.expiresAt))."
            )
        }
    }

    /// `vigil admin list-exceptions`: every exception, nationally.
    struct ListExceptions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-exceptions",
            abstract: "List every exception, newest first: state, validity, ticket, people, expiry, history.",
            discussion: """
                text is one line per exception, tab-separated: id, organisation, state, valid (approved and \
                unexpired at --at), ticket id, rule, severity, requester, decider, expiry, reason, controls. csv has \
                the same columns; json has every field and each exception's history (who, when, on which ticket).

                Exit codes: 0 listed; 64 a bad option or value; 66 the database does not exist; 69 the database \
                cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "text, csv or json.")
        var format = "text"

        @Option(
            help: ArgumentHelp(
                "Read validity at this time: ISO 8601 with a zone, or a day YYYY-MM-DD (UTC); default now.",
                valueName: "time"))
        var at: String?

        func validate() throws {
            guard ["text", "csv", "json"].contains(format) else {
                throw ValidationError("--format is text, csv or json")
            }
            _ = try AlertStatusCommand.clock(at)
        }

        func run() async throws {
            let now = try AlertStatusCommand.clock(at)
            let records = try await store.withStore { try await $0.exceptions(at: now) }
            switch format {
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(records), as: UTF8.self))
            case "csv":
                print(Self.columns.joined(separator: ","), terminator: "\r\n")
                for record in records {
                    print(Self.cells(record).map(CSVReportRenderer.cell).joined(separator: ","), terminator: "\r\n")
                }
            default:
                for record in records {
                    print(Self.cells(record).map(TerminalText.sanitised).joined(separator: "\t"))
                }
            }
        }

        /// The CSV columns.
        static let columns = [
            "id", "organisation", "state", "valid", "ticket", "rule", "severity", "requested_by", "decided_by",
            "expires_at", "reason", "controls",
        ]

        static func cells(_ record: ExceptionRecord) -> [String] {
            [
                String(record.id), record.organisation.code, record.state.rawValue, String(record.valid),
                String(record.ticket.id), record.ticket.rule.rawValue, record.ticket.severity.rawValue,
                record.requestedBy, record.decidedBy ?? "", ISO8601DateFormatter().string(from: record.expiresAt),
                record.reason, record.controls,
            ]
        }
    }

    /// `vigil admin sweep`: ends exceptions past their expiry now (servers do it on request bursts anyway).
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep",
            abstract: "End exceptions past their expiry: their tickets open again with their clocks restarted.",
            discussion: """
                No server holds a timer: each submission sweeps its own organisation, and servers sweep on request \
                bursts. Run this from cron when the service may be idle at an expiry.

                Exit codes: 0 swept (the number ended is printed); 64 a bad option; 66 the database does not exist; \
                69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let ended = try await store.withStore { try await $0.sweepExceptions(at: Date()) }
            print("Ended \(ended) exceptions past their expiry.")
        }
    }

    /// `vigil admin list-tickets`: one organisation's current tickets, to name one in an exception.
    struct ListTickets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-tickets",
            abstract: "List an organisation's current tickets: id, state, severity, rule, subject key, dates.",
            discussion: """
                Subjects are the organisation's pseudonymous keys; only the organisation maps them back (vigil \
                submit --reveal).

                Exit codes: 0 listed; 64 a bad option; 65 no organisation has that code; 66 the database does not \
                exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The organisation's ODS code.")
        var code: String

        func run() async throws {
            let code = code
            let tickets = try await store.withStore { store in
                guard let organisation = try await store.organisation(code: code) else {
                    throw StoreError(.unknownOrganisation, "no organisation has that code")
                }
                return try await store.tickets(organisation: organisation.id)
            }
            let formatter = ISO8601DateFormatter()
            for ticket in tickets {
                print(
                    [
                        String(ticket.id), ticket.state.rawValue, ticket.severity.rawValue, ticket.rule.rawValue,
                        ticket.subject, formatter.string(from: ticket.openedAt),
                        formatter.string(from: ticket.clockStartedAt),
                    ].joined(separator: "\t"))
            }
        }
    }
}
