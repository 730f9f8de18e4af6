import Foundation
import GRDB

/// Reads a column of a row from a database file Vigil did not necessarily write, throwing on a mismatch.
///
/// Why: GRDB's typed row subscripts (`row[0] as String`, optional ones included) stop the process when a value is NULL
/// or of another type, and print the row. A database file is input like any other: an edited or damaged one must be
/// refused with a message, never crash.
struct StoredRow {
    /// A column that is missing, NULL where a value belongs, or of another type.
    struct Mismatch: Error, CustomStringConvertible {
        /// The column's position in the query.
        var column: Int
        var description: String { "column \(column + 1) of a row does not hold what Vigil writes (damaged or edited)" }
    }

    let row: Row

    /// The value of column `index`, which must be present and convertible.
    func value<Value: DatabaseValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        guard index < row.count, let value = Value.fromDatabaseValue(row[index] as DatabaseValue) else {
            throw Mismatch(column: index)
        }
        return value
    }

    /// The value of column `index`, or `nil` when it is NULL; any other mismatch throws.
    func optional<Value: DatabaseValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws -> Value? {
        guard index < row.count else { throw Mismatch(column: index) }
        let stored = row[index] as DatabaseValue
        if stored.isNull { return nil }
        guard let value = Value.fromDatabaseValue(stored) else { throw Mismatch(column: index) }
        return value
    }
}
