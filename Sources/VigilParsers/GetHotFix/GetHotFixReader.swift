import VigilCore
import VigilIO

/// Reads the installed updates PowerShell's `Get-HotFix` lists (Win32_QuickFixEngineering, as `wmic qfe` does), in
/// the three forms people hand over:
///
/// - the default table (`Get-HotFix`, `Get-HotFix > hotfixes.txt`): a header, a line of dashes under each column (the
///   dashes give the columns' widths: `Description` values hold spaces), one row per update;
/// - `Get-HotFix | Format-List` (or `fl *`): `Name : value` lines, one blank-line-separated block per update;
/// - `Get-HotFix | Export-Csv` (with or without the `#TYPE` line Windows PowerShell writes first).
///
/// The host is the `Source`, `CSName` or `PSComputerName` value; without one, the file's name up to its first `.`.
/// `InstalledOn` is a date in the culture of the machine that ran PowerShell: month-first (`1/15/2020 12:00:00 AM`,
/// en-US) and day-first (`15/01/2020 00:00:00`) are told apart from the file's own dates, and a date that could be
/// either is left out rather than guessed. A prompt or notes around the output are skipped and counted.
public struct GetHotFixReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "get-hotfix",
        name: "Windows installed updates (PowerShell Get-HotFix)",
        producedBy:
            "Get-HotFix | Export-Csv \"$env:COMPUTERNAME.hotfix.csv\" -NoTypeInformation   (or Get-HotFix > hotfixes.txt, or Get-HotFix | Format-List)"
    )

    /// The property names that name the host, most specific first.
    static let hostColumns = ["source", "csname", "pscomputername", "__server"]

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let lines = sample.lines(limit: 40)
        for (index, line) in lines.prefix(GetHotFixText.maximumLeadingLines + 2).enumerated() {
            if let header = GetHotFixTable(header: line), index + 1 < lines.count,
                header.matchesUnderline(lines[index + 1])
            {
                return true
            }
            if GetHotFixCSV(header: line) != nil { return true }
        }
        let keys = Set(lines.compactMap { GetHotFixText.listPair($0)?.key })
        return keys.contains("hotfixid") && (keys.contains("installedon") || keys.contains("description"))
            && !Self.hostColumns.allSatisfy { !keys.contains($0) }
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var state = GetHotFixText(file: file)
        try LineReader(path: path, maxLineLength: 1 << 20).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(
                    line: line.number, code: "hotfix.line-too-long", "line longer than 1 MiB; expected a Get-HotFix row"
                )
                return
            }
            state.consume(line, log: &log)
        }
        state.finish(log: &log)
        fragment.hosts = state.hosts(log: &log)
        fragment.log = log
        return fragment
    }
}
