public import Foundation
import Glibc

extension PseudonymKey {
    /// Where `vigil submit` keeps the key when none is given: `~/.config/vigil/pseudonym.key`.
    public static var defaultLocation: URL {
        // HOME first, as every tool does (Foundation on Linux reads the password database instead).
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        return (home ?? FileManager.default.homeDirectoryForCurrentUser).appending(path: ".config/vigil/pseudonym.key")
    }

    /// The key stored at `url`, or, when there is no file there and `create` is set, a new key written there readable
    /// by its owner only (0600, in a folder made 0700). Losing the key means later submissions key subjects
    /// differently, so every finding looks new nationally: the file is written once and never replaced.
    public static func load(from url: URL, create: Bool) throws(SubmissionError) -> (key: PseudonymKey, created: Bool) {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) {
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw SubmissionError(
                    .invalidKey, "the pseudonymisation key file could not be read", position: url.path, cause: error)
            }
            do throws(SubmissionError) {
                return (try PseudonymKey(fileContents: text), false)
            } catch {
                throw SubmissionError(error.code, error.message, position: url.path)
            }
        }
        guard create else {
            throw SubmissionError(.invalidKey, "no pseudonymisation key file", position: url.path)
        }
        let key = PseudonymKey.generate()
        do {
            try manager.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw SubmissionError(
                .invalidKey, "the folder for the pseudonymisation key could not be made", position: url.path,
                cause: error)
        }
        // Written whole under a temporary name (0600 from the start, so never readable by others, not even briefly),
        // then linked into place: `link` fails when a key appeared meanwhile and never replaces it, and the key file is
        // complete from the moment it exists. Two first uses at once (several `vigil submit`s started together) both
        // end with the one key that won: the loser reads it.
        let temporary = url.deletingLastPathComponent()
            .appending(path: ".pseudonym.key.\(getpid()).\(UInt32.random(in: .min ... .max)).partial").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SubmissionError(.invalidKey, "the pseudonymisation key could not be created", position: url.path)
        }
        defer { unlink(temporary) }
        let bytes = Array(key.fileContents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw SubmissionError(.invalidKey, "the pseudonymisation key could not be written", position: url.path)
        }
        guard link(temporary, url.path) == 0 else {
            guard errno == EEXIST else {
                throw SubmissionError(.invalidKey, "the pseudonymisation key could not be created", position: url.path)
            }
            return try load(from: url, create: false)
        }
        return (key, true)
    }
}
