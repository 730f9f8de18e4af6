import VigilIO

/// A failure to write a synthetic estate: what went wrong, and the file error behind it when there is one.
public struct SynthError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var message: String
    /// The underlying failure (a ``FileError`` naming the file), when there is one.
    public var cause: (any Error & Sendable)?

    public init(message: String, cause: (any Error & Sendable)? = nil) {
        self.message = message
        self.cause = cause
    }

    /// A file that could not be created or written.
    init(_ error: FileError) {
        self.init(message: error.description, cause: error)
    }

    public var description: String { message }
}
