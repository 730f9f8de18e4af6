import Foundation
import Synchronization
import VigilCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing to the terminal: results to standard output, progress and errors to standard error.
enum Terminal {
    /// Whether standard error is a terminal (progress is drawn only then).
    static let standardErrorIsTerminal = isatty(STDERR_FILENO) == 1
    /// Whether standard output is a terminal (colour is used only then).
    static let standardOutputIsTerminal =
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    /// Prints to standard error, with control characters from evidence (file names) made harmless.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((TerminalText.sanitised(message) + "\n").utf8))
    }
}

/// A one-line progress indicator on standard error, redrawn at most ten times a second, and only on a terminal.
/// Safe to call from concurrent tasks.
final class ProgressLine: Sendable {
    private struct State {
        var lastDraw = ContinuousClock.now - .seconds(1)
        var visible = false
    }

    private let enabled: Bool
    private let state = Mutex(State())

    init(enabled: Bool = Terminal.standardErrorIsTerminal) {
        self.enabled = enabled
    }

    /// Shows `text` unless it was redrawn less than 100 ms ago (or `force`).
    func show(_ text: String, force: Bool = false) {
        guard enabled else { return }
        state.withLock { state in
            let now = ContinuousClock.now
            guard force || now - state.lastDraw >= .milliseconds(100) else { return }
            state.lastDraw = now
            state.visible = true
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
        }
    }

    /// Erases the line.
    func clear() {
        guard enabled else { return }
        state.withLock { state in
            guard state.visible else { return }
            state.visible = false
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        }
    }
}
