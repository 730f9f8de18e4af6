#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces the Swift runtime's crash report with a fixed line.
///
/// Why: on Linux the runtime's backtracer prints every register of a crashing thread with the 16 bytes of memory it
/// points at, and Vigil's memory holds password hashes and patient identifiers (an audit saw an NHS number from the file
/// being read). `SWIFT_BACKTRACE=enable=no` would stop it, but the runtime reads that variable before `main`, so only the
/// person starting Vigil can set it; handlers installed first thing in `main` replace the runtime's own (which it
/// installed at start-up) for every signal a crash raises. The handler writes one constant line with `write(2)` (safe in
/// a signal handler: no allocation, no formatting, nothing from memory) and ends the process with exit code 70
/// (EX_SOFTWARE), the documented code for an internal error. Messages the runtime prints *before* trapping
/// (`Fatal error: …` from a failed precondition) are not affected; Vigil's own code puts no data in them.
public enum CrashHandler {
    /// The signals a crash raises: bad memory access, illegal instruction (Swift's traps), breakpoint trap, bus error,
    /// arithmetic error and abort.
    public static let signals: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT]

    /// The exit code after a crash (EX_SOFTWARE).
    public static let exitCode: Int32 = 70

    /// The one line printed.
    public static let message: StaticString =
        "vigil: internal error: the process stopped (no details are printed, so that no data in memory is shown); exit 70\n"

    /// Installs the handlers, on an alternate stack so that a stack overflow is handled too. Call once, first.
    public static func install() {
        // A stack of its own for the handler: a crash from running out of stack cannot run a handler on that stack.
        let size = 64 << 10
        if let memory = malloc(size) {
            var stack = stack_t(ss_sp: memory, ss_flags: 0, ss_size: size)
            sigaltstack(&stack, nil)
        }
        for signal in signals {
            var action = sigaction()
            let handler: @convention(c) (Int32) -> Void = { _ in
                _ = write(2, CrashHandler.message.utf8Start, CrashHandler.message.utf8CodeUnitCount)
                _exit(CrashHandler.exitCode)
            }
            #if canImport(Darwin)
                action.__sigaction_u.__sa_handler = handler
            #else
                action.__sigaction_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_ONSTACK
            sigaction(signal, &action, nil)
        }
    }

}
