import Foundation

/// Reference data shipped inside Vigil's build (see `Resources/SOURCES.md`).
public enum BundledReference {
    /// The built-in advisory catalogue, in the WES-NG definitions format.
    public static var advisoriesPath: String? {
        Bundle.module.url(forResource: "builtin-advisories", withExtension: "csv")?.path
    }

    /// The CISA KEV entries of the built-in catalogue's CVEs, in the catalogue's JSON format.
    public static var knownExploitedPath: String? {
        Bundle.module.url(forResource: "builtin-kev", withExtension: "json")?.path
    }

    /// What the built-in catalogue was made from (`builtin-advisories-info.json`): the sources' dates.
    public static var advisoriesInfoPath: String? {
        Bundle.module.url(forResource: "builtin-advisories-info", withExtension: "json")?.path
    }
}
