/// Operations on names in the file system that Vigil's writers need beyond one file: renaming a finished file into
/// place and removing leftovers, with errors that name the file (``FileError``).
public enum FileSystem {
    /// Renames `from` to `to`, replacing whatever `to` names, in one step: readers see the old file or the new one.
    public static func rename(_ from: String, to: String) throws(FileError) {
        guard Platform.rename(from, to: to) else {
            throw FileError(code: .writeFailed, path: to, errno: Platform.errno)
        }
    }

    /// Creates an empty file at `path` with `permissions` exactly (owner-only by default), unless something is there
    /// already; whether it created one. For a file another library then opens by path (a SQLite database), so that it
    /// never exists with the umask's permissions. Unlike ``AtomicFile/createOnce(_:at:permissions:)`` it needs no hard
    /// links, which some file systems (FAT, many network mounts) lack.
    @discardableResult
    public static func createEmpty(_ path: String, permissions: OutputPermissions = .ownerOnly) throws(FileError)
        -> Bool
    {
        guard let descriptor = Platform.createExclusive(path, permissions: permissions.fileMode) else {
            if Platform.errno == Platform.alreadyExists { return false }
            throw FileError(code: .cannotCreate, path: path, errno: Platform.errno)
        }
        Platform.close(descriptor)
        return true
    }

    /// Removes the file `path` if it exists; whether something was removed. Used for temporary and partial files,
    /// whose absence is not an error.
    @discardableResult
    public static func removeIfPresent(_ path: String) -> Bool {
        Platform.remove(path)
    }
}
