import Foundation
import VigilIO

/// Reads password word lists: one word per line (UTF-8 or UTF-16 with a BOM), blank lines skipped, order kept (most
/// likely first). Words longer than 64 characters are skipped: no one types them and the dictionary attack cannot use
/// them.
public enum PasswordListReader {
    /// The most words read from one list.
    public static let maximumWords = 10_000_000

    /// Vigil's built-in list of common passwords (Django's, 19,640 words, most common first).
    public static func builtInCommonPasswords() throws -> [String] {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt") else {
            throw EvidenceError(
                code: .wordListMissing, path: "common-passwords.txt",
                message: "the built-in common-password list is missing from this build")
        }
        return try read(path: url.path)
    }

    /// The words of the list at `path`.
    public static func read(path: String) throws -> [String] {
        var words: [String] = []
        try LineReader(path: path, maxLineLength: 4096).forEachLine { line in
            guard !line.isOverlong, !line.bytes.isEmpty, line.bytes.count <= 256, words.count < maximumWords,
                let word = ASCII.string(line.bytes), word.count <= 64
            else { return }
            words.append(word)
        }
        return words
    }
}
