public import Foundation
public import VigilCore

/// Who used what, from the access logs (issue 15, items 4–6): each successful access in the window, by a user the
/// directory holds, becomes an (account, resource) use; "who used this share" is then every account with a use on a path
/// at or below it.
///
/// Usage is judged per resource, and only where the logs saw the resource at all: a share with no log event (by anyone,
/// at any time) is *not assessed*, never *unused*, because the logs supplied may simply not cover it (an EHR's audit
/// trail says nothing about a file server). The window is the `windowDays` days up to the assessment date; how much of it
/// the logs actually span is stated (``coveredDays``), so a week of logs is not read as ninety days of disuse.
public struct AccessUsage: Sendable {
    /// The window's length in days.
    public let windowDays: Int
    /// The window's first instant.
    public let start: Date
    /// The window's end (the assessment date).
    public let end: Date
    /// Whether any access log was read.
    public var hasLogs: Bool { events > 0 }
    /// Access events read (after the readers folded repeated rows).
    public let events: Int
    /// Events whose user no directory account matches.
    public let unmatchedEvents: Int
    /// Distinct users the logs name that no directory account matches.
    public let unmatchedUsers: Int
    /// Where the first unmatched event was read.
    public let firstUnmatched: EvidenceReference?
    /// The earliest time of an event by a directory account.
    public let earliest: Date?
    /// The latest time of an event by a directory account.
    public let latest: Date?
    /// Accounts in the directory (the capacity of every set).
    public let accountCount: Int

    /// Distinct resource keys (lower case, as ``AccessControlIndex/key(_:)``), sorted, each with the accounts that used
    /// it successfully in the window and whether anyone at all was logged on it.
    private let keys: [String]
    private let users: [[Int32]]

    /// Reads the estate's access events against its accounts.
    public init(estate: Estate, asOf: Date, windowDays: Int) {
        self.windowDays = windowDays
        end = asOf
        start = asOf.addingTimeInterval(-Double(windowDays) * 86_400)
        accountCount = estate.accounts.count
        let matcher = AccessLogMatcher(accounts: estate.accounts)
        var byKey: [String: [Int32]] = [:]
        var unmatched: Set<String> = []
        var unmatchedEvents = 0
        var firstUnmatched: EvidenceReference?
        var earliest: Date?
        var latest: Date?
        var memo: [String: Int?] = [:]
        // A clinical audit report names no resource (the system is the report's own): its rows are use of the one
        // application vigil.yaml names, when it names just one, as role exports without an application are.
        let applications = estate.resources.filter { $0.kind == .application || $0.kind == .database }
        let soleApplication =
            applications.count == 1 ? AccessControlIndex.key(applications[0].name.trimmingBlanks()) : nil
        // Only a file none of whose rows names a resource is such a report: a blank cell in a file-share log (a logon
        // row) is no use of anything.
        var filesNamingResources: Set<String> = []
        if soleApplication != nil {
            for event in estate.accessEvents where !event.resourceID.isEmpty {
                filesNamingResources.insert(event.source.file)
            }
        }
        for event in estate.accessEvents {
            // Without surrounding blanks (a FHIR observer's display may carry them), so that names compare as written.
            let key =
                event.resourceID.isEmpty
                ? (filesNamingResources.contains(event.source.file) ? "" : soleApplication ?? "")
                : AccessControlIndex.key(event.resourceID.trimmingBlanks())
            let account: Int?
            if let known = memo[event.principal] {
                account = known
            } else {
                account = matcher.account(for: event.principal)
                memo[event.principal] = account
            }
            guard let account else {
                unmatchedEvents += 1
                unmatched.insert(event.principal.lowercased())
                firstUnmatched = min(firstUnmatched ?? event.source, event.source)
                continue
            }
            // The span is of the events use is measured from: a row by nobody the directory holds (a placeholder
            // `1970-01-01` by a service account) does not stretch it over the window.
            earliest = min(earliest ?? event.time, event.time)
            latest = max(latest ?? event.time, event.time)
            // Every resource an event in the window by a directory account names is logged, used or not: a share whose
            // events all predate the window (a server whose log export stopped) is not assessed, never "unused"; nor is
            // one only users the directory does not hold were logged on (a log from another domain matches nobody, and
            // would otherwise make every reader of the share an unused one).
            let inWindow = event.time >= start && event.time <= asOf
            if inWindow, byKey[key] == nil { byKey[key] = [] }
            if event.succeeded, inWindow {
                byKey[key, default: []].append(Int32(account))
            }
        }
        byKey[""] = nil
        keys = byKey.keys.sorted()
        users = keys.map { byKey[$0] ?? [] }
        events = estate.accessEvents.count
        self.unmatchedEvents = unmatchedEvents
        unmatchedUsers = unmatched.count
        self.firstUnmatched = firstUnmatched
        self.earliest = earliest
        self.latest = latest
    }

    /// Use of the resource at `path` and everything below it: whether an event in the window names it, and the
    /// accounts that used it successfully in the window.
    public func usage(under path: String) -> (logged: Bool, users: AccessBitset) {
        let root = AccessControlIndex.key(path)
        var set = AccessBitset(capacity: accountCount)
        var logged = false
        var index = firstKey(notBelow: root)
        while index < keys.count, keys[index].hasPrefix(root) {
            let key = keys[index]
            if key.count == root.count || key.dropFirst(root.count).first == "\\" || root.hasSuffix("\\") {
                logged = true
                for account in users[index] where Int(account) < accountCount { set.insert(Int(account)) }
            }
            index += 1
        }
        return (logged, set)
    }

    /// Use of a clinical application known by any of `names` (its name in the role exports, its id and name in
    /// `vigil.yaml`): the events whose resource is exactly one of them, compared without case or surrounding blanks,
    /// and nothing below them (`EPR/Admin` is not `EPR`), unlike a path.
    public func usage(ofApplication names: [String]) -> (logged: Bool, users: AccessBitset) {
        var set = AccessBitset(capacity: accountCount)
        var logged = false
        for key in Set(names.map { AccessControlIndex.key($0.trimmingBlanks()) }) where !key.isEmpty {
            let index = firstKey(notBelow: key)
            guard index < keys.count, keys[index] == key else { continue }
            logged = true
            for account in users[index] where Int(account) < accountCount { set.insert(Int(account)) }
        }
        return (logged, set)
    }

    /// The position of the first key not below `key` in the sorted keys (their count when there is none).
    private func firstKey(notBelow key: String) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The period usage is measured over, in words: "in the last 90 days of logs", or, when the logs span less of the
    /// window, "in the 34 days the logs span (of the last 90 days)", so that a month of logs is not read as ninety days of
    /// disuse where a sentence states who used what.
    public var period: String {
        let covered = coveredDays
        return covered < windowDays
            ? "in the \(Wording.count(covered, "day")) the logs span (of the last \(Wording.count(windowDays, "day")))"
            : "in the last \(Wording.count(windowDays, "day")) of logs"
    }

    /// Whole days of the window the logs span: from the later of the window's start and the earliest event to the
    /// earlier of its end and the latest event (logs that stop in January say nothing of April).
    public var coveredDays: Int {
        guard let earliest, let latest else { return 0 }
        let from = max(earliest, start)
        let to = min(latest, end)
        guard from < to else { return from <= to ? 1 : 0 }
        return min(windowDays, max(1, Int((to.timeIntervalSince(from) / 86_400).rounded(.up))))
    }
}
