import Foundation
public import VigilCore
import VigilParsers

/// Vigil's built-in advisory catalogue: the historically critical, wormable Windows vulnerabilities (MS17-010 for
/// every affected Windows version including the XP, 2003 and Vista emergency update, MS08-067, BlueKeep, DejaBlue,
/// SMBGhost, Zerologon) with every update that fixes them directly or as a later cumulative update, from the WES-NG
/// definitions (see `Sources/VigilParsers/Resources/SOURCES.md`), joined with their CISA KEV entries. It makes first
/// runs and the demo work offline; `vigil advisories import` adds everything else.
public enum BuiltInAdvisories {
    /// The catalogue's advisories.
    public static func load() throws -> [Advisory] {
        guard let path = BundledReference.advisoriesPath else {
            throw EvidenceError(
                code: "advisories.missing", path: "builtin-advisories.csv",
                message: "the built-in advisory catalogue is missing from this build")
        }
        let fragment = try WesngDefinitionsReader().read(path: path, file: "built-in advisories", progress: nil)
        return fragment.advisories.map { advisory in
            var advisory = advisory
            advisory.exploitation = advisory.exploitation ?? knownExploited[advisory.id]
            return advisory
        }
    }

    /// The CISA KEV entries of the catalogue's CVEs (`dateAdded`, `dueDate`, `knownRansomwareCampaignUse`, as in the
    /// catalogue of 2025-08-25), so that the demo and first runs prioritise them without the catalogue file.
    static let knownExploited: [String: Exploitation] = {
        let entries: [(cve: String, added: String, due: String)] = [
            ("CVE-2017-0143", "2021-11-03", "2022-05-03"), ("CVE-2017-0144", "2022-02-10", "2022-08-10"),
            ("CVE-2017-0148", "2022-04-06", "2022-04-27"), ("CVE-2019-0708", "2021-11-03", "2022-05-03"),
            ("CVE-2020-0796", "2022-02-10", "2022-08-10"), ("CVE-2020-1472", "2021-11-03", "2020-09-21"),
        ]
        return Dictionary(
            uniqueKeysWithValues: entries.map { entry in
                (
                    entry.cve,
                    Exploitation(
                        dateAdded: CivilDate.parse(entry.added)!, dueDate: CivilDate.parse(entry.due),
                        knownRansomwareUse: true, requiredAction: "Apply updates per vendor instructions.")
                )
            })
    }()
}
