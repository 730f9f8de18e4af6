import Foundation
import VigilAnalyzers
import VigilCore

/// The matching index an advisory database keeps ready: `vigil advisories import` compiles the built-in catalogue and
/// every advisory stored into one ``AdvisoryIndex`` snapshot, so that an assessment loads only the tables of its
/// hosts' products instead of reading hundreds of thousands of fixes and joining them again on every run.
///
/// The snapshot is used only when it includes this build's built-in catalogue and the bundle brings no advisories of
/// its own; otherwise the index is built from the stored advisories as before, with the same result.
public enum CompiledAdvisories {
    /// Compiles the database's index and stores it; returns the products it holds.
    @discardableResult
    public static func compile(_ database: AdvisoryDatabase) throws -> Int {
        let builtIn = try BuiltInAdvisories.load()
        let stored = try database.advisories()
        let index = AdvisoryIndex(builtIn + stored)
        try database.storeIndex(
            AdvisoryDatabase.StoredIndex(
                snapshot: Data(index.snapshot()), catalogue: Data(AdvisoryIndex(builtIn).snapshot()),
                advisories: stored.count))
        return index.productCount
    }

    /// Whether a database holds a compiled index, and whether this build can use it.
    public enum Status: Sendable, Equatable {
        /// None: assessments join the stored advisories on every run.
        case none
        /// Compiled with this build's built-in catalogue: a snapshot of `bytes` bytes.
        case current(bytes: Int)
        /// Compiled by a build with another built-in catalogue: not used until the next import compiles it again.
        case stale
    }

    /// The state of `database`'s compiled index for this build.
    public static func status(_ database: AdvisoryDatabase) throws -> Status {
        guard let stored = try database.storedIndex() else { return .none }
        return try isCurrent(stored) ? .current(bytes: stored.snapshot.count) : .stale
    }

    private static func isCurrent(_ stored: AdvisoryDatabase.StoredIndex, builtIn: [Advisory]? = nil) throws -> Bool {
        stored.catalogue.elementsEqual(AdvisoryIndex(try builtIn ?? BuiltInAdvisories.load()).snapshot())
    }

    /// The database's compiled index for `products` (lower-case names, ``AdvisoryIndex/products(for:)``) with the
    /// number of advisories it was compiled from, or `nil` when there is none for this build's built-in catalogue
    /// `builtIn`.
    static func load(_ database: AdvisoryDatabase, builtIn: [Advisory], products: Set<String>) throws -> (
        index: AdvisoryIndex, advisories: Int
    )? {
        guard let stored = try database.storedIndex(), try isCurrent(stored, builtIn: builtIn) else { return nil }
        do {
            return (try AdvisoryIndex(snapshot: stored.snapshot, products: products), stored.advisories)
        } catch {
            throw AdvisoryDatabaseError(
                path: database.path, message: "\(error); rebuild it with vigil advisories import")
        }
    }
}
