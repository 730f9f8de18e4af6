/// A failure to open, read or map a file: its ``Code``, the file, the system's error number and a message that says
/// what went wrong, never the file's content. The readers above turn it into their own error with this one as the
/// cause (`EvidenceError(_:)`).
public struct FileError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: a struct over a private enum, so codes can be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case cannotOpen = "file.cannot-open"
            case notARegularFile = "file.not-a-file"
            case readFailed = "file.read-failed"
            case mapFailed = "file.map-failed"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        public var description: String { value.rawValue }

        /// The file does not exist, or cannot be opened.
        public static let cannotOpen = Code(.cannotOpen)
        /// The path names something other than a regular file.
        public static let notARegularFile = Code(.notARegularFile)
        /// Reading or seeking failed part-way.
        public static let readFailed = Code(.readFailed)
        /// The file could not be mapped into memory.
        public static let mapFailed = Code(.mapFailed)
    }

    /// What kind of failure.
    public var code: Code
    /// The file concerned.
    public var path: String
    /// The system's error number, when the system reported one.
    public var errno: Int32?

    public init(code: Code, path: String, errno: Int32?) {
        self.code = code
        self.path = path
        self.errno = errno
    }

    /// What went wrong, in words (`cannot open the file: No such file or directory`).
    public var message: String {
        let reason = errno.map { ": " + Platform.message(errno: $0) } ?? ""
        switch code {
        case .notARegularFile: return "not a regular file"
        case .readFailed: return "reading failed" + reason
        case .mapFailed: return "cannot map the file" + reason
        default: return "cannot open the file" + reason
        }
    }

    public var description: String { "\(path): \(message) [\(code)]" }
}
