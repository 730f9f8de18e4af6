import Foundation

/// Reference data left in an evidence bundle — a Pwned Passwords corpus, a breach index, WES-NG's `definitions.zip`,
/// an SQLite database — recognised so that the file list says what the file is and the command that makes it usable,
/// instead of "format not recognised". None of them is evidence about the organisation, so none is read as such.
public enum ReferenceFile {
    /// How many lines of a text file are checked for the corpus shape.
    static let linesChecked = 5

    /// What the file at `path` is and what to do with it, or `nil` when it is not reference data Vigil knows.
    public static func explain(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4_096), !head.isEmpty else { return nil }
        let bytes = [UInt8](head)
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        if bytes.starts(with: Array("VIGILBIX".utf8)) {
            return
                "a breach index (vigil corpus build), not evidence: name it with vigil assess --breach-index or vigil.yaml reference: breach-index:"
        }
        if bytes.starts(with: Array("SQLite format 3".utf8) + [0]), name.hasSuffix("vigil-scan-state.sqlite") {
            return "vigil scan's state file (it makes the next scan read only what changed), not evidence"
        }
        if bytes.starts(with: Array("SQLite format 3".utf8) + [0]) {
            return
                "an SQLite database, not evidence: if it is an advisory database (vigil advisories import), name it with vigil assess --advisories or vigil.yaml reference: advisories:"
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), isWesngDefinitions(bytes, name: name) {
            return
                "WES-NG definitions (definitions.zip), not read from a bundle: import them once with vigil advisories import FILE -o advisories.db, then name the database with vigil assess --advisories or vigil.yaml reference: advisories:"
        }
        if let report = vigilReport(bytes) { return report }
        if looksLikePatientTable(bytes) {
            return
                "a table with an NHS number column, not an export Vigil assesses: patient data is found by vigil scan (or a scan: section in vigil.yaml naming its folder), which counts it without keeping the numbers"
        }
        if isPwnedPasswords(bytes) {
            return
                "a Pwned Passwords corpus, not evidence: index it once with vigil corpus build FILE -o pwned-passwords.vbi, then name the index with vigil assess --breach-index or vigil.yaml reference: breach-index:"
        }
        return nil
    }

    /// Vigil's own reports, which a bundle may hold beside the `scan.json` it reads: what they are instead of "format
    /// not recognised".
    static func vigilReport(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(1_024), as: UTF8.self)
        if head.hasPrefix("path,classification,patients,") {
            return "a vigil scan report (scan.csv), not read: the scan.json beside it is what an assessment reads"
        }
        if head.hasPrefix("severity,rule,title,") {
            return "a vigil report (findings.csv), not evidence"
        }
        if head.hasPrefix("Share,Change,Group or principal,Account,Path,") {
            return "a vigil report (least-privilege.csv), not evidence"
        }
        if head.hasPrefix("Account,Shares used in the window,") {
            return "a vigil report (unused-access.csv), not evidence"
        }
        // assessment.json: its keys sorted, so the assessment's date first and its coverage next.
        if head.hasPrefix("{"), head.dropFirst().drop(while: \.isWhitespace).hasPrefix("\"assessedAt\""),
            head.contains("\"coverage\"")
        {
            return "a vigil report (assessment.json), not evidence"
        }
        if head.hasPrefix("<!DOCTYPE html>"), head.contains("<meta name=\"generator\" content=\"vigil\">") {
            return head.contains("<title>Patient data scan")
                ? "a vigil scan report (scan.html), not read: the scan.json beside it is what an assessment reads"
                : "a vigil report (HTML), not evidence"
        }
        return nil
    }

    /// Whether the first line is a table header naming an NHS number column (`NHS Number`, `nhs_number`, `NHSNo`):
    /// a patient list put among the exports.
    static func looksLikePatientTable(_ bytes: [UInt8]) -> Bool {
        let line = bytes.prefix { $0 != 0x0A && $0 != 0x0D }.prefix(4_096)
        guard line.contains(UInt8(ascii: ",")) || line.contains(0x09) || line.contains(UInt8(ascii: ";")) else {
            return false
        }
        let cells = line.map { $0 == 0x09 || $0 == UInt8(ascii: ";") ? UInt8(ascii: ",") : $0 }
        let folded = String(decoding: cells, as: UTF8.self).lowercased().filter { $0.isLetter || $0 == "," }
        return folded.split(separator: ",").contains { $0 == "nhsnumber" || $0 == "nhsno" }
    }

    /// A zip whose first entry is one of WES-NG's tables (`CVEs_…csv`, `Custom_…csv`), or named as WES-NG names it.
    static func isWesngDefinitions(_ bytes: [UInt8], name: String) -> Bool {
        if name.hasPrefix("definitions") && name.hasSuffix(".zip") { return true }
        // The local file header holds the entry name's length at offset 26 and the name from offset 30.
        guard bytes.count > 30 else { return false }
        let length = Int(bytes[26]) | Int(bytes[27]) << 8
        guard length > 0, bytes.count >= 30 + length else { return false }
        let entry = String(decoding: bytes[30..<(30 + length)], as: UTF8.self)
        return (entry.hasPrefix("CVEs_") || entry.hasPrefix("Custom_")) && entry.hasSuffix(".csv")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// The first lines are `HASH:COUNT`: 40 (SHA-1) or 32 (NTLM) hex digits, or a range file's 35 or 27-digit suffix.
    static func isPwnedPasswords(_ bytes: [UInt8]) -> Bool {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(linesChecked + 1)
        // The last piece of the sample may be a cut line; judge the whole ones.
        let whole = lines.count > linesChecked ? Array(lines.prefix(linesChecked)) : Array(lines)
        guard !whole.isEmpty else { return false }
        return whole.allSatisfy { line in
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            guard let colon = line.firstIndex(of: 0x3A) else { return false }
            let hash = line[..<colon]
            let count = line[line.index(after: colon)...]
            return [27, 32, 35, 40].contains(hash.count) && hash.allSatisfy(isHexDigit)
                && !count.isEmpty && count.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
    }
}
