import ArgumentParser

/// The documented exit codes (see `vigil --help`), following sysexits(3) where one fits.
enum VigilExit {
    /// Findings at or above `--fail-on` exist.
    static let findings = ExitCode(1)
    /// Evidence unusable (EX_DATAERR).
    static let dataError = ExitCode(65)
    /// Input not found (EX_NOINPUT).
    static let noInput = ExitCode(66)
    /// A service could not be reached or refused the request (EX_UNAVAILABLE).
    static let unavailable = ExitCode(69)
    /// Output cannot be created (EX_CANTCREAT).
    static let cannotCreate = ExitCode(73)
    /// Input could not be read (EX_IOERR).
    static let ioError = ExitCode(74)
    /// Vigil's own check failed: the demo's assessment differs from the ground truth it seeded (EX_SOFTWARE).
    static let selfCheckFailed = ExitCode(70)
}
