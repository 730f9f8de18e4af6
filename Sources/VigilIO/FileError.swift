public import Foundation

/// A failure to open, read or map a file: its ``Code``, the file, the system's error number and a message that says
/// what went wrong, never the file's content. The readers above turn it into their own error with this one as the
/// cause (`EvidenceError(_:)`).
public struct FileError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of failure: a struct over a private enum, so codes can be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case cannotOpen = "file.cannot-open"
            case notARegularFile = "file.not-a-file"
            case readFailed = "file.read-failed"
            case mapFailed = "file.map-failed"
            case cannotCreate = "file.cannot-create"
            case cannotCreateFolder = "file.cannot-create-folder"
            case writeFailed = "file.write-failed"
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
        /// A file could not be created (no permission, no such folder, the name is taken).
        public static let cannotCreate = Code(.cannotCreate)
        /// A folder could not be created (no permission, a read-only file system, a file of that name).
        public static let cannotCreateFolder = Code(.cannotCreateFolder)
        /// Writing, syncing or renaming failed part-way (a full disk, an I/O error); nothing partial is left in place.
        public static let writeFailed = Code(.writeFailed)
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

    /// The system's reason (`No space left on device`), or `nil` when the system gave none.
    public var reason: String? {
        errno.map { Platform.message(errno: $0) }
    }

    /// Whether the system refused for lack of permission.
    public var isPermissionDenied: Bool {
        errno.map { Platform.permissionDenied.contains($0) } ?? false
    }

    /// Whether the file was not there (it may have been removed since it was listed).
    public var isMissing: Bool { errno == Platform.noSuchFile }

    /// Whether the path ended in a symbolic link that was not followed.
    public var isRefusedLink: Bool { errno == Platform.tooManyLinks }

    /// What went wrong, in words (`cannot open the file: No such file or directory`).
    public var message: String {
        let reason = reason.map { ": " + $0 } ?? ""
        switch code {
        case .notARegularFile: return "not a regular file"
        case .readFailed: return "reading failed" + reason
        case .mapFailed: return "cannot map the file" + reason
        case .cannotCreate: return "cannot create the file" + reason
        case .cannotCreateFolder: return "cannot create the folder" + reason
        case .writeFailed: return "writing failed" + reason
        default: return "cannot open the file" + reason
        }
    }

    public var description: String { "\(path): \(message) [\(code)]" }

    /// The same as ``description``, so that `localizedDescription` (which the CLI prints) names the file and the reason
    /// instead of Foundation's generic "the operation could not be completed".
    public var errorDescription: String? { description }
}
