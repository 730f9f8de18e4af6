/// A failure of the national store, with a typed code. Messages never quote tokens or submitted content.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// The database address is not `postgres://…` or a file path.
        case invalidAddress = "store.invalid-address"
        /// The SQLite path names a folder, a file that is not a SQLite database, or one that cannot be read or created.
        case unusableFile = "store.unusable-file"
        /// No SQLite database is at the path, and the command reads one rather than creating it.
        case missingDatabase = "store.missing-database"
        /// An organisation with that ODS code exists already.
        case duplicateOrganisation = "store.duplicate-organisation"
        /// No organisation has that ODS code.
        case unknownOrganisation = "store.unknown-organisation"
        /// The organisation's fields are not valid.
        case invalidOrganisation = "store.invalid-organisation"
        /// No alert has that id.
        case unknownAlert = "store.unknown-alert"
        /// The alert's fields (or a reason given for it) are not valid.
        case invalidAlert = "store.invalid-alert"
        /// Not applicable was declared while the organisation's own evidence shows the alert applies.
        case alertApplies = "store.alert-applies"
        /// The alert is already closed for the organisation by evidence.
        case alertClosed = "store.alert-closed"
        /// A person with that sign-in name exists already.
        case duplicateUser = "store.duplicate-user"
        /// No person has that sign-in name.
        case unknownUser = "store.unknown-user"
        /// No live submission token of the organisation has that fingerprint.
        case unknownToken = "store.unknown-token"
        /// The person's fields (name, role and its organisation or region, password) are not valid.
        case invalidUser = "store.invalid-user"
        /// No exception, or no ticket for one, has that id (or it is outside the person's organisation).
        case unknownException = "store.unknown-exception"
        /// The exception's fields are not valid, or it cannot take that step (decided already, ticket not live).
        case invalidException = "store.invalid-exception"
        /// A submission's subjects were keyed by another pseudonymisation key than the organisation's: they would match
        /// none of its tickets. Nothing was stored.
        case keyChanged = "store.key-changed"
        /// The person's role may not take that step, or they would approve their own request.
        case forbidden = "store.forbidden"
        /// The database did not answer in the time allowed (PostgreSQL down, or its address, user or password wrong).
        case unreachable = "store.unreachable"
        /// The database was migrated by a newer version of Vigil.
        case newerSchema = "store.newer-schema"
        /// The database returned something the store did not expect.
        case corrupt = "store.corrupt"
        /// The write was undone, with the SQLite writes committed together with it, by another's failure: nothing of
        /// it is stored, and it may be made again.
        case undone = "store.write-undone"
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// The underlying error.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}
