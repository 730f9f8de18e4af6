import Foundation

/// Reference data shipped inside Vigil's build (see `Resources/SOURCES.md`).
public enum BundledReference {
    /// The built-in advisory catalogue, in the WES-NG definitions format.
    public static var advisoriesPath: String? {
        Bundle.module.url(forResource: "builtin-advisories", withExtension: "csv")?.path
    }
}
