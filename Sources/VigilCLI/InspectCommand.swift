import ArgumentParser
import Foundation
import VigilCore
import VigilEngine
import VigilParsers
import VigilScan

/// `vigil inspect FILE…`: what Vigil sees in evidence files, without assessing them.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what Vigil reads from evidence files, without assessing them.",
        discussion: """
            For each file (or each file of one evidence folder, read as `vigil assess` reads it): the format recognised, records read and rejected with each problem's position, what the \
            records hold (accounts, groups, password hashes…) and the reading speed. Use it to check an export \
            before an assessment.

            EXIT CODES
              0   every file read
              64  usage error
              65  a record was rejected, a file was not recognised, a file holds nothing Vigil could read (a \
            directory search that failed), or the folder given holds no file
              66  a file does not exist
              74  a file could not be read
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Evidence files to read, or one evidence folder (read as `vigil assess` reads it: its vigil.yaml, every file, names masked).",
            valueName: "file"))
    var files: [String]

    func validate() throws {
        let folders = files.filter(Self.isFolder)
        guard folders.isEmpty || files.count == 1 else {
            throw ValidationError("give evidence files, or one evidence folder alone")
        }
    }

    func run() async throws {
        let bundle: EvidenceBundle
        do {
            // A folder is read as an assessment reads it: its manifest, hidden files, links reported, names masked.
            bundle =
                try files.count == 1 && Self.isFolder(files[0])
                ? EvidenceBundle(directory: URL(fileURLWithPath: files[0]))
                : EvidenceBundle(files: files.map { URL(fileURLWithPath: $0) })
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.noInput
        }
        let progress = ProgressLine()
        let evidence: CollectedEvidence
        do {
            evidence = try await AssessmentEngine().collect(bundle) { event in
                if case .reading(let file, let read, _) = event {
                    progress.show("Reading \(file)  \(Wording.number(read >> 20)) MiB")
                }
            }
        } catch let error as EvidenceError {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw VigilExit.ioError
        }
        progress.clear()
        let estate = evidence.estate
        for (file, elapsed) in zip(evidence.inventory.files, evidence.readTimes) {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(file.bytes) / seconds / 1_048_576 : 0
            print(
                "\(TerminalText.name(file.path)): \(file.format), \(Wording.count(file.recordsRead, "record")) read, \(Wording.number(file.recordsRejected)) rejected; \(Wording.number(file.bytes >> 20)) MiB in \(String(format: "%.2f", seconds)) s (\(Wording.number(Int(rate))) MiB/s)"
            )
            for diagnostic in file.diagnostics { print("  " + TerminalText.name("\(diagnostic)")) }
            if file.diagnosticCount > file.diagnostics.count {
                print("  … and \(Wording.count(file.diagnosticCount - file.diagnostics.count, "more problem"))")
            }
        }
        for file in evidence.inventory.unrecognised {
            print("\(TerminalText.name(file.path)): not read: \(TerminalText.name(file.reason))")
        }
        print("Holds: \(Self.holdings(of: estate)).")
        for line in Self.hosts(of: estate) { print(line) }
        if evidence.inventory.unrecognised.contains(where: \.unreadable) { throw VigilExit.ioError }
        // A folder with no file in it read nothing: not "every file read".
        if evidence.inventory.files.isEmpty, evidence.inventory.unrecognised.isEmpty {
            Terminal.error("vigil: no file was read: the folder holds none")
            throw VigilExit.dataError
        }
        if evidence.inventory.recordsRejected > 0 || !evidence.inventory.unrecognised.isEmpty
            || !evidence.inventory.unusable.isEmpty
        {
            throw VigilExit.dataError
        }
    }

    /// The hosts read, first few by name, with what an assessment needs of each: the operating system as reported, how
    /// many updates are listed (an export that names hosts but not their system shows it here) and whether it is a
    /// domain controller when the evidence says.
    static func hosts(of estate: Estate, limit: Int = 10) -> [String] {
        let hosts = estate.hosts.sorted { $0.name < $1.name }
        var lines = hosts.prefix(limit).map { host in
            let system =
                host.operatingSystem.map { system in
                    [system.name.isEmpty ? nil : system.name, system.version.map { "version \($0)" }].compactMap { $0 }
                        .joined(separator: ", ")
                } ?? ""
            // A list cut short (systeminfo's 245) still names updates, but is not the host's whole list.
            let listed = Wording.count(host.installedUpdates.count, "update") + " listed"
            let updates =
                host.updatesListed
                ? listed : host.installedUpdates.isEmpty ? "updates not listed" : listed + ", the list incomplete"
            let role = host.domainController.map { $0 ? "; domain controller" : "; not a domain controller" } ?? ""
            return
                "  \(TerminalText.sanitised(PathMasking.masked(host.name))): \(system.isEmpty ? "no operating system reported" : system); \(updates)\(role)"
        }
        if hosts.count > limit { lines.append("  … and \(Wording.count(hosts.count - limit, "more host"))") }
        return lines
    }

    /// What the files hold: the directory's collections always (an export that should hold accounts and holds none
    /// says so), the others when there are any.
    static func holdings(of estate: Estate) -> String {
        let history = estate.credentials.reduce(0) { $0 + $1.history.count }
        let directory = [
            Wording.count(estate.accounts.count, "directory account"), Wording.count(estate.groups.count, "group"),
            Wording.count(estate.domains.count, "domain"),
            "\(Wording.count(estate.credentials.count, "password hash", plural: "password hashes")) (\(Wording.number(history)) in history)",
        ]
        let others: [(count: Int, singular: String, plural: String?)] = [
            (estate.hosts.count, "host", nil), (estate.advisories.count, "advisory", "advisories"),
            (estate.resources.count, "resource", nil),
            (estate.grants.count, "access rule", nil), (estate.accessEvents.count, "access event", nil),
            (estate.roleAssignments.count, "role assignment", nil),
            (estate.rolePermissions.count, "role permission", nil),
            (estate.claims.count, "self-assessment answer", nil),
            (estate.patientData.count, "file holding patient identifiers", "files holding patient identifiers"),
        ]
        let held = others.filter { $0.count > 0 }.map { Wording.count($0.count, $0.singular, plural: $0.plural) }
        return (directory + held).joined(separator: ", ")
    }

    /// Whether `path` names a folder.
    static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
