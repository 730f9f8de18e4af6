/// Operations on names in the file system that Vigil's writers need beyond one file: renaming a finished file into
/// place and removing leftovers, with errors that name the file (``FileError``).
public enum FileSystem {
    /// Renames `from` to `to`, replacing whatever `to` names, in one step: readers see the old file or the new one.
    public static func rename(_ from: String, to: String) throws(FileError) {
        guard Platform.rename(from, to: to) else {
            throw FileError(code: .writeFailed, path: to, errno: Platform.errno)
        }
    }

    /// Removes the file `path` if it exists; whether something was removed. Used for temporary and partial files,
    /// whose absence is not an error.
    @discardableResult
    public static func removeIfPresent(_ path: String) -> Bool {
        Platform.remove(path)
    }
}
