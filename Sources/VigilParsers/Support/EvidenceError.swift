import Glibc

/// A failure that stops a whole evidence file from being read (as opposed to a ``Diagnostic`` about one record).
public struct EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code (`evidence.cannot-open`).
    public var code: String
    /// The file concerned.
    public var path: String
    /// What went wrong and what to do, without quoting file content.
    public var message: String

    public init(code: String, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message) [\(code)]" }

    static func cannotOpen(path: String, errno: Int32) -> EvidenceError {
        EvidenceError(
            code: "evidence.cannot-open", path: path, message: "cannot open the file: \(systemMessage(errno))")
    }

    static func notARegularFile(path: String) -> EvidenceError {
        EvidenceError(code: "evidence.not-a-file", path: path, message: "not a regular file")
    }

    static func readFailed(path: String, errno: Int32) -> EvidenceError {
        EvidenceError(code: "evidence.read-failed", path: path, message: "reading failed: \(systemMessage(errno))")
    }

    private static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
