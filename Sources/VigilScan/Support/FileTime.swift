import Glibc

/// File modification times as the nanosecond counts the walker, the scanner and the state file compare.
enum FileTime {
    /// `time` in nanoseconds since 1970, saturated at the ends of `Int64` (years 1677 and 2262).
    ///
    /// Anyone who can write to a share can set a file's time to the year 3000 (`touch -d`); unchecked multiplication
    /// overflowed there and stopped every scan of the share. Two times beyond the range compare equal, so a change to
    /// such a file is noticed by its size only; the state file's reuse is an optimisation, never a finding.
    static func nanoseconds(_ time: timespec) -> Int64 {
        let seconds = Int64(time.tv_sec)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, carry) = scaled.addingReportingOverflow(Int64(time.tv_nsec))
        guard !carry else { return seconds < 0 ? .min : .max }
        return total
    }
}
