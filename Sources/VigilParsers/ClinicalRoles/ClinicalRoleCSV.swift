import Foundation
import VigilCore
import VigilIO

/// A column of one of the clinical-role CSV formats, recognised by any of its names.
protocol ClinicalRoleColumn: CaseIterable, Hashable, Sendable {
    /// The names a header may give the column, normalised (lower case, without spaces, `_`, `-` or `.`).
    var names: [String] { get }
    /// The columns a header must name for the format to be recognised.
    static var required: [Self] { get }
    /// Further columns of which at least one must be named (empty when the required ones suffice).
    static var oneOf: [Self] { get }
}

/// The header of a clinical-role CSV: its delimiter and where each documented column is.
struct ClinicalRoleHeader<Column: ClinicalRoleColumn> {
    /// The field delimiter.
    let delimiter: UInt8
    /// Where each documented column is.
    let positions: [Column: Int]

    /// The header in `line`, or `nil` when it does not name the format's required columns.
    init?(_ line: some Collection<UInt8>) {
        let bytes = Array(line)
        let comma = UInt8(ascii: ",")
        let delimiter: UInt8 =
            bytes.contains(comma)
            ? comma : bytes.contains(0x09) ? 0x09 : bytes.contains(UInt8(ascii: ";")) ? UInt8(ascii: ";") : comma
        var positions: [Column: Int] = [:]
        // Split as the rows are, so that a quoted header name holding the delimiter stays one column.
        let names = CSVRecordReader.strings(
            ofLine: bytes, dialect: CSVDialect(delimiter: delimiter, quoting: .anywhere))
        for (index, name) in names.enumerated() {
            let key = Self.normalised(name)
            if let column = Column.allCases.first(where: { $0.names.contains(key) }), positions[column] == nil {
                positions[column] = index
            }
        }
        guard Column.required.allSatisfy({ positions[$0] != nil }),
            Column.oneOf.isEmpty || Column.oneOf.contains(where: { positions[$0] != nil })
        else { return nil }
        self.delimiter = delimiter
        self.positions = positions
    }

    /// A header name without case, spaces, `_`, `-`, `.`, quotes or a byte-order mark: `Start Date` → `startdate`.
    static func normalised(_ name: String) -> String {
        String(
            name.lowercased().unicodeScalars.filter {
                !" \t_-.\"\u{FEFF}".unicodeScalars.contains($0)
            }.map(Character.init))
    }

    /// The trimmed value of `column` in `fields`, `nil` when the column is absent or the cell blank.
    func value(_ column: Column, in fields: [String]) -> String? {
        guard let index = positions[column], index < fields.count else { return nil }
        let text = fields[index].trimmingBlanks()
        return text.isEmpty ? nil : text
    }
}

/// What a rejected row should have held, for the diagnostic (never the content).
struct ClinicalRoleRowProblem: Error {
    /// The diagnostic's code.
    let code: String
    /// What was expected.
    let expected: String
}

/// The reading both clinical-role formats share: VigilIO's headed CSV reader (a `#TYPE` line of Windows PowerShell's
/// `Export-Csv` skipped), each record handed to `row` with its starting line, and every problem logged with its
/// position under the format's code prefix.
enum ClinicalRoleCSV {
    /// Reads the file at `path`, logging under `prefix` (`roles`), with `expected` describing the header when none is
    /// found.
    static func read<Column: ClinicalRoleColumn>(
        path: String, file: String, prefix: String, expected: String, as _: Column.Type,
        progress: (@Sendable (Int) -> Void)?,
        row: (ClinicalRoleHeader<Column>, [String], EvidenceReference) -> ClinicalRoleRowProblem?
    ) throws -> DiagnosticLog {
        var log = DiagnosticLog(file: file)
        try HeadedCSVReader.read(
            path: path, progress: progress,
            recognise: { line in ClinicalRoleHeader<Column>(line).map { ($0, $0.delimiter) } },
            handle: { event in
                switch event {
                case .record(let header, let fields, let line):
                    if let problem = row(header, fields, EvidenceReference(file: file, line: line)) {
                        log.reject(line: line, code: "\(prefix).\(problem.code)", problem.expected)
                    } else {
                        log.recordsRead += 1
                    }
                case .lineTooLong(let line):
                    log.reject(line: line, code: "\(prefix).line-too-long", "line longer than 1 MiB; skipped")
                case .noHeader(let line):
                    // Without the header no row can be read: one diagnostic for the file.
                    log.reject(line: line, code: "\(prefix).no-header", expected)
                case .recordTooLong(let line):
                    log.reject(line: line, code: "\(prefix).record-too-long", "row longer than 1 MiB; skipped")
                case .unterminated(let line):
                    log.reject(line: line, code: "\(prefix).unterminated", "a quoted field is never closed")
                }
            })
        return log
    }

    /// A day as role exports write it, at its UTC midnight: ISO `2024-03-01` (a time after it, `T09:00:00Z` or
    /// ` 09:00`, is ignored), UK `01/03/2024` (day first), `01.03.2024`, or compact `20240301`. `.success(nil)` for a
    /// blank cell or one of the words exports use for "no end" (`none`, `null`, `n/a`, `never`, `-`).
    static func day(_ text: String?) -> Result<Date?, ClinicalRoleDateProblem> {
        // Most cells are plain ISO days: no words, no time after them.
        if let text, let iso = CivilDate.parse(text) { return .success(iso) }
        guard let text, !["none", "null", "n/a", "never", "-", "open"].contains(text.lowercased()) else {
            return .success(nil)
        }
        let datePart = text.split(whereSeparator: { $0 == " " || $0 == "T" }).first.map(String.init) ?? text
        if let iso = CivilDate.parse(datePart) { return .success(iso) }
        var parts: [Substring] = []
        for separator in ["/", "."] where datePart.contains(separator) {
            parts = datePart.split(separator: Character(separator), omittingEmptySubsequences: false)
        }
        if parts.isEmpty, datePart.count == 8, datePart.allSatisfy(\.isASCII), datePart.allSatisfy(\.isNumber) {
            parts = [datePart.suffix(2), datePart.dropFirst(4).prefix(2), datePart.prefix(4)]
        }
        guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            let day = Int(parts[0]), let month = Int(parts[1])
        else { return .failure(ClinicalRoleDateProblem()) }
        let padded = "\(parts[2])-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        guard let date = CivilDate.parse(padded) else { return .failure(ClinicalRoleDateProblem()) }
        return .success(date)
    }
}

/// A date cell that is none of the documented shapes.
struct ClinicalRoleDateProblem: Error {}
