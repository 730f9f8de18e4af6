public import VigilCore

/// The lists an assessment hands to the teams who act on them, each a CSV written beside the reports
/// (`least-privilege.csv`, `unused-access.csv`): a summary table's columns and rows, one row per change or account, with
/// the same cell escaping as `findings.csv` (formula-looking cells prefixed with `'`). They can run to thousands of rows,
/// so the HTML report states their totals and leaves the rows to these files.
public enum TableCSVRenderer {
    /// The file each list is written to, by table id.
    public static let files: [(table: String, file: String)] = [
        ("access.least-privilege-changes", "least-privilege.csv"),
        ("access.unused-by-account", "unused-access.csv"),
    ]

    /// Whether the table with `id` is one of these lists (and so not drawn in the HTML report).
    public static func isList(_ id: String) -> Bool {
        files.contains { $0.table == id }
    }

    /// The CSV text of `table`: a header of its column names, then its rows, RFC 4180 with CRLF line ends.
    public static func render(_ table: SummaryTable) -> [UInt8] {
        var bytes: [UInt8] = []
        for row in [table.columns] + table.rows {
            for (index, value) in row.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                CSVReportRenderer.appendCell(value, to: &bytes)
            }
            bytes += [0x0D, 0x0A]
        }
        return bytes
    }
}
