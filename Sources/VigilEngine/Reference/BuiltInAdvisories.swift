import Foundation
public import VigilCore
import VigilParsers

/// Vigil's built-in advisory catalogue: the historically critical, wormable Windows vulnerabilities (MS17-010 for
/// every affected Windows version including the XP, 2003 and Vista emergency update, MS08-067, BlueKeep, DejaBlue,
/// SMBGhost, Zerologon) with every update that fixes them directly or as a later monthly rollup or cumulative update
/// through each release's end of support, from the WES-NG definitions, joined with their entries in CISA's KEV
/// catalogue. All three resource files are written by `scripts/make-builtin-advisories.py` (see
/// `Sources/VigilParsers/Resources/SOURCES.md`); nothing in them is typed by hand. It makes first runs and the demo work
/// offline; `vigil advisories import` adds everything else.
public enum BuiltInAdvisories {
    /// What the catalogue was made from, for `vigil advisories show` and the report.
    public struct Info: Sendable, Equatable, Decodable {
        /// The date of the WES-NG definitions (`2026-06-28`): the catalogue knows no update released after it.
        public var definitionsDate: String
        /// The definitions file (`CVEs_20260628.csv`).
        public var definitions: String
        /// The KEV catalogue's version (`2025.08.25`).
        public var kevCatalogVersion: String
        /// The KEV catalogue's release date.
        public var kevDateReleased: String

        /// "WES-NG definitions of 2026-06-28, CISA KEV catalogue 2025.08.25", for a sentence.
        public var summary: String {
            "WES-NG definitions of \(definitionsDate), CISA KEV catalogue \(kevCatalogVersion)"
        }
    }

    /// The catalogue's advisories, with the KEV entries of their CVEs joined in.
    public static func load() throws -> [Advisory] {
        guard let path = BundledReference.advisoriesPath, let kevPath = BundledReference.knownExploitedPath else {
            throw EvidenceError(
                code: .advisoriesMissing, path: "builtin-advisories.csv",
                message: "the built-in advisory catalogue is missing from this build")
        }
        let fragment = try WesngDefinitionsReader().read(path: path, file: "built-in advisories", progress: nil)
        let known = try KEVReader().read(path: kevPath, file: "built-in KEV entries", progress: nil)
        var exploited: [String: Exploitation] = [:]
        for entry in known.advisories {
            if let exploitation = entry.exploitation { exploited[entry.id] = exploitation }
        }
        return fragment.advisories.map { advisory in
            var advisory = advisory
            advisory.exploitation = advisory.exploitation ?? exploited[advisory.id]
            return advisory
        }
    }

    /// What the catalogue was made from.
    public static func info() throws -> Info {
        guard let path = BundledReference.advisoriesInfoPath else {
            throw EvidenceError(
                code: .advisoriesMissing, path: "builtin-advisories-info.json",
                message: "the built-in advisory catalogue's description is missing from this build")
        }
        return try JSONDecoder().decode(Info.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
