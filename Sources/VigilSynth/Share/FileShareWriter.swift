import Foundation
import VigilCore

/// Writes an organisation's file share into its evidence bundle (`shares/<name>/`, a small labelled share from
/// ``ShareCorpusGenerator``), the share's NTFS permissions as `icacls` prints them (`acl/<host>-icacls.txt`), and the
/// ground truth of the patient-data findings they make: every patient list and bulk export, and those in the folders
/// the permissions open to Domain Users, Authenticated Users or Everyone; and each of those permissions that opens a
/// file with patient identifiers to every member of staff (the review's shape: a clinical share open to Domain Users).
struct FileShareWriter {
    /// The patient-data rules a share's ground truth is complete for (disk encryption needs host inventories, which
    /// the synthetic estate does not write). The narrow folders' groups are not in the directory, and the
    /// administrators are few, so only the broad permissions open patient data to a quarter of staff.
    static let coveredRules: [RuleID] = [.patientList, .patientBulkExport, .patientListBroadAccess, .accessWideGrant]

    let specification: EstateSpecification
    let asOf: Date

    /// The folder in the bundle.
    var folder: String { "shares/\(specification.layout == .trust ? "trust" : "practice")" }
    /// How the permissions name it.
    var aclRoot: String { "D:\\Shares\\\(specification.layout == .trust ? "Trust" : "Practice")" }
    /// The file server.
    var host: String { specification.layout == .trust ? "FS01" : "\(specification.netBIOSName)-SRV01" }

    /// Folders of the share with their own permissions, and the broad group each opens to, if any.
    var folders: [(path: String, extra: String?, broad: Bool)] {
        let domain = specification.netBIOSName
        return [
            ("Clinical\\Outpatients", "\(domain)\\Domain Users:(OI)(CI)(RX)", true),
            ("Exports", "NT AUTHORITY\\Authenticated Users:(OI)(CI)(RX)", true),
            ("IT\\Logs", "Everyone:(OI)(CI)(R)", true),
            ("Finance", "\(domain)\\Finance Team:(OI)(CI)(M)", false),
            ("Referrals", "\(domain)\\Medical Secretaries:(OI)(CI)(M)", false),
        ]
    }

    /// Writes the share and its permissions into `bundle`; returns the expectations.
    func write(to bundle: URL) throws(SynthError) -> [GroundTruth.Expectation] {
        let generator = ShareCorpusGenerator(seed: specification.seed ^ 0x5AAE_F11E, asOf: asOf, scale: .small)
        let summary = try generator.write(
            to: bundle.appendingPathComponent(folder), targetBytes: .max, maxFiles: specification.shareFiles)
        try writePermissions(to: bundle.appendingPathComponent("acl/\(host.lowercased())-icacls.txt"))
        var expectations: [GroundTruth.Expectation] = []
        for (path, classification) in summary.expected
        where classification == .patientList || classification == .bulkExport {
            let subject = "\(folder)/\(path)"
            expectations.append(
                .init(rule: classification == .bulkExport ? .patientBulkExport : .patientList, subject: subject))
            let windows = path.replacingOccurrences(of: "/", with: "\\")
            if folders.contains(where: { $0.broad && windows.hasPrefix($0.path + "\\") }) {
                expectations.append(.init(rule: .patientListBroadAccess, subject: subject))
            }
        }
        for folder in folders where folder.broad {
            let holdsIdentifiers = summary.expected.contains { path, classification in
                classification != .testData
                    && path.replacingOccurrences(of: "/", with: "\\").hasPrefix(folder.path + "\\")
            }
            guard holdsIdentifiers, let extra = folder.extra, let colon = extra.firstIndex(of: ":") else { continue }
            expectations.append(
                .init(rule: .accessWideGrant, subject: "\(extra[..<colon]) on \(aclRoot)\\\(folder.path)"))
        }
        return expectations
    }

    /// `icacls D:\Shares\X /T` output for the share's root and its folders; the trust's as PowerShell's `>` writes it
    /// (UTF-16 with a byte-order mark), a practice's as cmd.exe does (ASCII). CRLF line ends.
    private func writePermissions(to url: URL) throws(SynthError) {
        let domain = specification.netBIOSName
        var lines: [String] = []
        func entry(_ path: String, _ aces: [String]) {
            let indent = String(repeating: " ", count: path.count + 1)
            lines.append("\(path) \(aces[0])")
            for ace in aces.dropFirst() { lines.append(indent + ace) }
            lines.append("")
        }
        let base = [
            "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)", "BUILTIN\\Administrators:(OI)(CI)(F)",
            "\(domain)\\Clinical Staff:(OI)(CI)(M)",
        ]
        entry(aclRoot, base)
        for folder in folders {
            var aces = base.map { $0.replacingOccurrences(of: ":(OI)", with: ":(I)(OI)") }
            if let extra = folder.extra { aces.append(extra) }
            entry("\(aclRoot)\\\(folder.path)", aces)
        }
        lines.append("Successfully processed \(folders.count + 1) files; Failed processing 0 files")
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let data: Data =
            specification.layout == .trust
            ? Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)! : Data(text.utf8)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch {
            throw SynthError(message: "cannot write \(url.path)")
        }
    }

    /// The manifest's `scan:` section for the share.
    var manifestSection: String {
        """
        scan:
          paths:
            - path: \(folder)
              acl-path: '\(aclRoot)'
              host: \(host)

        """
    }
}
