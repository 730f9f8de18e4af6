import ArgumentParser
import Foundation
import VigilCore
import VigilIO
import VigilReport
import VigilSubmission

/// `vigil submit assessment.json`: the findings-only submission for the national service, written locally with
/// `--dry-run --out F` or sent with `--server URL --token-file F`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send an assessment's findings, without names, to the national service.",
        discussion: """
            Builds the findings-only submission from assessment.json: rules, severities, counts and dates, with \
            every account, host and file replaced by a key made with the organisation's own secret \
            (HMAC-SHA256), so the centre cannot tell who or what they are and the organisation can map them back. \
            No hash, password, patient identifier, name, path or detail text leaves. The secret is created on \
            first use in ~/.config/vigil/pseudonym.key (readable by its owner only); keep it: another key makes \
            every finding look new. With --dry-run, the submission is written to --out instead of being sent, so it \
            can be read before anything leaves. With --reveal FILE, the organisation's own map from each key back to \
            the subject it stands for (kind, key, id, name) is written to FILE, readable by its owner only; it never \
            leaves the organisation, and it is how a ticket the national service shows is found locally. \
            Every submission carries the key's fingerprint, which reveals nothing of the key: the service \
            refuses one made with another key than the organisation's, under which every finding would look \
            new. --key-fingerprint prints the key's fingerprint (the key must exist) for the national team to \
            accept a key replaced on purpose (vigil admin accept-key).

            EXIT CODES
              0   submitted (or written, with --dry-run)
              64  usage error (a bad option; --server neither https:// nor http:// to this machine)
              65  the assessment or the key is not usable
              66  assessment.json, the token file or (with --key-fingerprint) the key not found
              69  the service refused the submission (409: another key than the organisation's) or could not be reached
              73  the submission could not be written
            """
    )

    @Argument(help: ArgumentHelp("The assessment.json that `vigil assess` wrote.", valueName: "assessment.json"))
    var assessment: String?

    @Flag(help: "Print the fingerprint of the pseudonymisation key (never made here: it must exist) and stop.")
    var keyFingerprint = false

    @Flag(help: "Write the submission instead of sending it (with --out).")
    var dryRun = false

    @Option(name: [.short, .long], help: ArgumentHelp("Where --dry-run writes the submission.", valueName: "file"))
    var out: String?

    @Option(
        help: ArgumentHelp(
            "The organisation's pseudonymisation key file (default ~/.config/vigil/pseudonym.key, made on first use).",
            valueName: "file"))
    var pseudonymKey: String?

    @Option(
        help: ArgumentHelp(
            "Also write the local map from each pseudonymous key back to its subject, as CSV (owner-only).",
            valueName: "file"))
    var reveal: String?

    @Option(
        help: ArgumentHelp(
            "The national service's address (https://…; http:// only to this machine, as the token would travel unencrypted).",
            valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("A file holding the organisation's submission token.", valueName: "file"))
    var tokenFile: String?

    func validate() throws {
        if keyFingerprint {
            // Printing the fingerprint sends and writes nothing: an option that would is a mistake, not ignored.
            guard assessment == nil, !dryRun, out == nil, server == nil, tokenFile == nil, reveal == nil else {
                throw ValidationError("--key-fingerprint takes only --pseudonym-key: it prints and stops")
            }
            return
        }
        guard assessment != nil else { throw ValidationError("give the assessment.json to submit") }
        if dryRun {
            guard out != nil else { throw ValidationError("--dry-run needs --out FILE") }
        } else {
            guard let server, tokenFile != nil else {
                throw ValidationError("give --server URL and --token-file FILE, or --dry-run --out FILE")
            }
            // Before the assessment is read or --reveal written: https://, or http:// to this machine only.
            _ = try Self.serverAddress(server)
        }
    }

    func run() async throws {
        if keyFingerprint {
            try printFingerprint()
            return
        }
        let submission = try buildSubmission()
        if let reveal { try writeReveal(to: reveal) }
        if dryRun, let out {
            try write(submission, to: out)
            return
        }
        if let server, let tokenFile {
            try await Self.send(submission, server: server, tokenFile: tokenFile)
        }
    }

    /// `--key-fingerprint`: the existing key's fingerprint. Never makes a key: one made here (another user, a
    /// mistyped path) would print a fingerprint the national team could accept in place of the organisation's.
    func printFingerprint() throws {
        let location = pseudonymKey.map { URL(fileURLWithPath: $0) } ?? PseudonymKey.defaultLocation
        guard FileManager.default.fileExists(atPath: location.path) else {
            Terminal.error("vigil: \(location.path): no pseudonymisation key there (none is made by --key-fingerprint)")
            throw VigilExit.noInput
        }
        do {
            print(try PseudonymKey.load(from: location, create: false).key.fingerprint)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
    }

    /// Stage 1: read the assessment and the key, and pseudonymise.
    func buildSubmission() throws -> Submission {
        try Self.submission(of: try readAssessment(), keyFile: pseudonymKey)
    }

    /// The assessment.json named on the command line.
    func readAssessment() throws -> Assessment {
        let assessment = self.assessment ?? ""
        let url = URL(fileURLWithPath: assessment)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Terminal.error("vigil: \(assessment): no such file")
            throw VigilExit.noInput
        }
        let document: Assessment
        do {
            document = try JSONReportRenderer.decode(try Data(contentsOf: url))
        } catch DecodingError.dataCorrupted(let context) where context.debugDescription == CivilDate.impossibleDay {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            Terminal.error("vigil: \(assessment): \(field) is not a day of the calendar")
            throw VigilExit.dataError
        } catch {
            Terminal.error("vigil: \(assessment): not an assessment.json written by `vigil assess`")
            throw VigilExit.dataError
        }
        return document
    }

    /// `--reveal`: the map from each key back to its subject, as CSV, owner-only. Made after the submission, so the key
    /// exists (made on first use) and is the one the submission used.
    func writeReveal(to path: String) throws {
        let document = try readAssessment()
        let key: PseudonymKey
        do {
            key = try PseudonymKey.load(
                from: pseudonymKey.map { URL(fileURLWithPath: $0) } ?? PseudonymKey.defaultLocation, create: false
            ).key
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
        var text = "kind,key,id,name\n"
        for subject in Submission.reveal(document, key: key) {
            text +=
                [subject.kind.rawValue, subject.key, subject.id, subject.name].map(CSVReportRenderer.cell)
                .joined(separator: ",") + "\n"
        }
        do {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
        } catch {
            Terminal.error("vigil: \(path): the map could not be written")
            throw VigilExit.cannotCreate
        }
    }

    /// The findings-only submission of `document`, pseudonymised with the key in `keyFile` (default
    /// ~/.config/vigil/pseudonym.key, made on first use). Shared by `vigil submit` and `vigil assess --submit`.
    static func submission(of document: Assessment, keyFile: String?) throws -> Submission {
        let key = try Self.key(file: keyFile)
        do {
            return try Submission(assessment: document, key: key)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
    }

    /// The pseudonymisation key in `keyFile` (default ~/.config/vigil/pseudonym.key), made if missing: said so with
    /// its fingerprint, and a key others can read warned of.
    static func key(file keyFile: String?) throws -> PseudonymKey {
        do {
            let location = keyFile.map { URL(fileURLWithPath: $0) } ?? PseudonymKey.defaultLocation
            let (key, created) = try PseudonymKey.load(from: location, create: true)
            if created {
                Terminal.error(
                    "vigil: made a new pseudonymisation key in \(location.path) (fingerprint \(key.fingerprint)); keep it and back it up: the national service refuses submissions under another key"
                )
            } else if let mode = try? FileManager.default.attributesOfItem(atPath: location.path)[.posixPermissions]
                as? Int, mode & 0o077 != 0
            {
                // With the key, anyone can tell which of the organisation's names a submission's keys stand for.
                Terminal.error(
                    "vigil: warning: the pseudonymisation key \(location.path) can be read by others (mode \(String(mode & 0o777, radix: 8))): anyone holding it can tell which names the national service's keys stand for; make it owner-only (chmod 600)"
                )
            }
            return key
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
    }

    /// Stage 2 (dry run): write the canonical document, owner-only.
    func write(_ submission: Submission, to path: String) throws {
        do {
            let bytes = try submission.canonicalJSON()
            try AtomicFile.write(bytes, to: URL(fileURLWithPath: path))
            print(
                "Wrote \(path): \(Wording.count(submission.findings.count, "finding")), \(Wording.count(submission.coverage.count, "coverage group")); digest \(try submission.digest())"
            )
        } catch {
            Terminal.error("vigil: \(path): the submission could not be written")
            throw VigilExit.cannotCreate
        }
    }
}
