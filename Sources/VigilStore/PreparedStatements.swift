import PostgresNIO
import Synchronization

/// The statements ``PostgresSQLDatabase`` runs as named prepared statements: any statement run more than once with
/// the same text and the same kinds of bound values, up to ``capacity`` of them at a time.
///
/// An unnamed statement is parsed, analysed and planned on every execution; a named one once per connection, and
/// after five executions PostgreSQL keeps a generic plan when it costs no more than the custom ones. An ingest's
/// statements spent 2.2 ms a submission being planned beside 10.5 ms being executed (`pg_stat_statements` with
/// `track_planning`; the opening read alone 0.6 ms of planning for 0.2 of execution). The store's statements bind
/// every varying set as an array, so the texts a service runs are a few dozen, repeated.
///
/// PostgresNIO prepares a statement by its type (its name and text are static), so each statement here has a type
/// of its own: ``PreparedSlot``'s numbered types, made on demand, their numbers and texts kept for the process
/// (``text(_:)``). A text's kinds of values are part of its key, because PostgresNIO declares the parameters' types
/// from the first execution's values: a NULL (of no type) and a value make two statements.
final class PreparedStatements: Sendable {
    /// The statements of this process's stores.
    static let shared = PreparedStatements()

    /// How many statements are prepared at most at a time; later ones run unnamed.
    static let capacity = 256
    /// How many numbers one catalogue gives out at most, retired statements' included: each stays prepared on the
    /// connections that prepared it, so a run of failures must not make new ones without end.
    static let numbers = 4 * capacity
    /// How many texts run once are remembered at most, waiting for their second execution.
    static let waiting = 1024
    /// The longest text prepared, in bytes. The service's statements are a few kilobytes; longer ones are bulk
    /// writes of many rows (the scale benchmark's seeding), which planning costs little beside, and whose texts
    /// would otherwise be kept by the thousand.
    static let longest = 16 * 1024

    struct Key: Hashable {
        var sql: String
        /// One character per bound value, naming its kind (``PostgresSQLDatabase/bindings(_:)``).
        var kinds: String
    }

    /// A statement with its own number, and the type PostgresNIO knows it by.
    struct Statement: Sendable {
        var number: Int
        var slot: any PreparedSlot.Type
    }

    private struct State {
        var statements: [Key: Statement] = [:]
        var seen: Set<Key> = []
        var given = 0
    }

    private let state = Mutex(State())

    /// The prepared statement for `key`: made on its second execution while there is room, nil before or without.
    func statement(for key: Key) -> Statement? {
        state.withLock { state in
            if let statement = state.statements[key] { return statement }
            guard state.statements.count < Self.capacity, state.given < Self.numbers, key.sql.utf8.count <= Self.longest
            else { return nil }
            guard state.seen.contains(key) else {
                // Texts run once (a one-off's) are forgotten together, not kept in the way of later ones.
                if state.seen.count >= Self.waiting { state.seen.removeAll(keepingCapacity: true) }
                state.seen.insert(key)
                return nil
            }
            state.seen.remove(key)
            state.given += 1
            let number = Self.number(for: key.sql)
            let statement = Statement(number: number, slot: PreparedSlots.slot(number))
            state.statements[key] = statement
            return statement
        }
    }

    /// Gives up `key`'s statement `number` (not one made for it since): its next execution is counted afresh and,
    /// prepared again, gets a new number and name. For a statement that failed on some connection in a way that
    /// may outlast the failure — PostgresNIO answers a failed preparation's error on that connection for as long as
    /// it lives, and a plan whose result no longer matches fails every time — so that connection prepares it anew.
    func retire(_ key: Key, number: Int) {
        state.withLock { state in
            guard state.statements[key]?.number == number else { return }
            state.statements[key] = nil
        }
    }

    /// The numbers given out in this process and their texts: kept for good, as an execution may hold a number.
    private static let texts = Mutex<[String]>([])

    /// A new number for `sql`.
    private static func number(for sql: String) -> Int {
        texts.withLock { texts in
            texts.append(sql)
            return texts.count
        }
    }

    /// The text of statement `number`, which only ``statement(for:)`` gives out.
    static func text(_ number: Int) -> String {
        texts.withLock { texts in
            guard texts.indices.contains(number - 1) else {
                preconditionFailure("no prepared statement has number \(number)")
            }
            return texts[number - 1]
        }
    }
}

/// A numbered type for a prepared statement: its number in binary, most significant digit first, as nested types
/// (`Digit1<Digit0<FirstDigit>>` is 0b101, 5). Any number has one, made at run time from a few generic types.
protocol PreparedSlot: Sendable {
    static var number: Int { get }
}

/// The leading 1 of every number (so no two numbers share a type).
enum FirstDigit: PreparedSlot {
    static var number: Int { 1 }
}

/// The number of `Prefix` followed by a 0.
enum Digit0<Prefix: PreparedSlot>: PreparedSlot {
    static var number: Int { Prefix.number * 2 }
}

/// The number of `Prefix` followed by a 1.
enum Digit1<Prefix: PreparedSlot>: PreparedSlot {
    static var number: Int { Prefix.number * 2 + 1 }
}

enum PreparedSlots {
    /// The type of `number` (1 or more).
    static func slot(_ number: Int) -> any PreparedSlot.Type {
        precondition(number >= 1, "a prepared statement's number is 1 or more")
        var slot: any PreparedSlot.Type = FirstDigit.self
        let width = Int.bitWidth - number.leadingZeroBitCount
        for position in stride(from: width - 2, through: 0, by: -1) {
            slot = appending(number >> position & 1 == 1, to: slot)
        }
        return slot
    }

    private static func appending<Prefix: PreparedSlot>(_ one: Bool, to _: Prefix.Type) -> any PreparedSlot.Type {
        one ? Digit1<Prefix>.self : Digit0<Prefix>.self
    }
}

/// Statement `Slot.number` of ``PreparedStatements``, with its values, as PostgresNIO prepares and runs it.
struct NumberedStatement<Slot: PreparedSlot>: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static var name: String { "vigil_\(Slot.number)" }
    static var sql: String { PreparedStatements.text(Slot.number) }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
