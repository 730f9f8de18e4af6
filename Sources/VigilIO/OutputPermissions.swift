/// The permissions Vigil gives the reports it writes and the folders it creates for them: owner-only (0600 files, 0700
/// folders) unless a user widens them deliberately (`--mode 640`). A folder gets the file mode with search permission
/// wherever it can be read (0640 → 0750), so that whoever may read the reports can reach them.
public struct OutputPermissions: Sendable, Hashable, CustomStringConvertible {
    /// The permissions of each file written.
    public let fileMode: UInt32

    /// Owner-only: the default, since reports list weak and privileged accounts and where patient data lies.
    public static let ownerOnly = OutputPermissions(checkedFileMode: 0o600)

    private init(checkedFileMode: UInt32) {
        self.fileMode = checkedFileMode
    }

    /// The permissions of each folder created: the file mode, searchable wherever it is readable.
    public var folderMode: UInt32 {
        fileMode | (fileMode & 0o444) >> 2
    }

    /// Runs `body` with the process's file-creation mask set so that whatever it creates, through any API (Foundation's
    /// `Data.write`, `FileManager.createDirectory`), gets at most these permissions: files ``fileMode`` (without
    /// execute bits), folders ``folderMode``. For a command that generates many files through code that takes no
    /// permissions (the demo's synthetic estates: hash dumps, patient lists). The mask is the process's: call it from a
    /// command's top level, not from a library that may run beside other work.
    public func withCreationMask<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        let previous = Platform.setCreationMask(0o777 & ~folderMode)
        defer { _ = Platform.setCreationMask(previous) }
        return try await body()
    }

    /// The mode as `--mode` takes it (`640`).
    public var description: String {
        String(fileMode, radix: 8)
    }

    /// Parses `--mode`: three octal digits, optionally after a `0` (`640`, `0640`). Refused: anything else, modes that
    /// do not let the owner read and write (Vigil replaces its own reports), modes that let anyone write (a report
    /// anyone can alter is no evidence), and setuid, setgid or sticky bits.
    public init(octal text: String) throws(OutputPermissionsError) {
        let digits = text.count == 4 && text.hasPrefix("0") ? String(text.dropFirst()) : text
        guard digits.count == 3, digits.allSatisfy({ ("0"..."7").contains($0) }),
            let mode = UInt32(digits, radix: 8)
        else {
            throw OutputPermissionsError(code: .notOctal, mode: text)
        }
        guard mode & 0o600 == 0o600 else { throw OutputPermissionsError(code: .ownerCannotWrite, mode: text) }
        guard mode & 0o002 == 0 else { throw OutputPermissionsError(code: .worldWritable, mode: text) }
        self.init(checkedFileMode: mode)
    }
}

/// A `--mode` that Vigil refuses, and why.
public struct OutputPermissionsError: Error, Sendable, CustomStringConvertible {
    /// Why the mode is refused.
    public enum Code: String, Sendable {
        case notOctal = "mode.not-octal"
        case ownerCannotWrite = "mode.owner-cannot-write"
        case worldWritable = "mode.world-writable"
    }

    /// Why the mode is refused.
    public var code: Code
    /// The mode as given (a user's own argument, never evidence).
    public var mode: String

    public var description: String {
        switch code {
        case .notOctal:
            "--mode expects file permissions as three octal digits, such as 640 (owner read-write, group read); got '\(mode.prefix(12))'"
        case .ownerCannotWrite:
            "--mode \(mode) does not let the owner read and write the reports; Vigil needs both (use 600 or wider)"
        case .worldWritable:
            "--mode \(mode) would let anyone on the machine alter the reports; Vigil refuses world-writable output (use 600, the default, or 640 to let the owner's group read them)"
        }
    }
}
