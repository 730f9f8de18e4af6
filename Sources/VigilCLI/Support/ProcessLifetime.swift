import Synchronization

/// Values the process keeps until it exits, never freeing them: the system takes back a process's memory all at once,
/// whereas dropping a large estate's assessment frees a quarter of a million findings one allocation at a time, half a
/// second spent just before the process ends anyway.
enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` until the process exits.
    static func keepUntilExit(_ value: some Sendable) {
        kept.withLock { $0.append(value) }
    }
}
