public import Foundation
import VigilIO

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
        // then linked into place, never over a key that appeared meanwhile. Two first uses at once (several
        // `vigil submit`s started together) both end with the one key that won: the loser reads it.
        let creation: AtomicFile.Creation
        do {
            creation = try AtomicFile.createOnce(Array(key.fileContents.utf8), at: url)
        } catch {
            throw SubmissionError(
                .invalidKey, "the pseudonymisation key could not be written", position: url.path, cause: error)
        }
        if creation == .alreadyExists { return try load(from: url, create: false) }
        return (key, true)
    }
}
