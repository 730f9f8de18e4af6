import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

@Suite("Manifest and format recognition")
struct ManifestAndSnifferTests {
    @Test("a full manifest")
    func fullManifest() throws {
        let manifest = try ManifestReader().parse(
            """
            organisation:
              code: RXX
              name: "Example Hospitals NHS Trust"
              kind: acute-trust
            inputs:
              - path: exports/directory.ldif
                format: ldif
              - ntds.ntds
            reference:
              breach-index: /srv/pwned.vigilidx
            settings:
              stale-days: 120
            """,
            file: "vigil.yaml"
        )
        #expect(
            manifest.organisation == Organisation(code: "RXX", name: "Example Hospitals NHS Trust", kind: .acuteTrust))
        #expect(
            manifest.inputs == [
                .init(path: "exports/directory.ldif", format: "ldif", line: 6), .init(path: "ntds.ntds", line: 8),
            ])
        #expect(manifest.reference.breachIndex == "/srv/pwned.vigilidx")
        #expect(manifest.staleDays == 120)
    }

    @Test(
        "manifest mistakes are named with their line",
        arguments: [
            ("organisation:\n  code: X\n  name: Y\n  kind: hospital\n", "organisation.kind must be one of", ":4"),
            ("organisation:\n  code: X\n  name: Y\ninptus: []\n", "unknown key 'inptus'", ":4"),
            ("inputs:\n  - path: a\n    format: csvv\n", "inputs[].format is not a known format", ":3"),
            ("settings:\n  stale-days: soon\n", "from 1 to 36500", ":2"),
            ("settings:\n  stale-days: 9223372036854775807\n", "from 1 to 36500", ":2"),
            ("organisation:\n  name: Y\n", "organisation.code is required", ""),
            ("organisation: [unclosed\n", "not valid YAML", ""),
        ]
    )
    func mistakes(text: String, message: String, line: String) {
        #expect {
            _ = try ManifestReader().parse(text, file: "vigil.yaml")
        } throws: { error in
            guard let error = error as? EvidenceError else { return false }
            // Values are never echoed (keys are): `csvv`, `hospital`, `soon` stay out of the message.
            return error.message.contains(message) && error.path == "vigil.yaml" + line
                && !["csvv", "hospital", "soon", "unclosed"].contains { error.message.contains($0) }
        }
    }

    @Test("a sample's lines: LF or CRLF ends, empty lines skipped, the limit kept, a cut last line dropped")
    func sampleLines() {
        let text = TextSample(bytes: Array("first\r\n\r\n\nsecond\n\u{e9}t\u{e9}\r\nlast".utf8))
        #expect(text.lines() == ["first", "second", "\u{e9}t\u{e9}", "last"])
        #expect(text.lines(limit: 2) == ["first", "second"])
        #expect(text.lines(limit: 0) == [])
        var cut = Array(repeating: UInt8(ascii: "a"), count: FormatSniffer.sampleSize - 1)
        cut[10] = 0x0A
        cut[20] = 0x0A
        cut.append(UInt8(ascii: "b"))
        let sample = TextSample(bytes: cut)
        #expect(sample.lines().map(\.count) == [10, 9])
        #expect(sample.lines(limit: 1).map(\.count) == [10])
        #expect(TextSample(bytes: [0x61, 0xFF, 0x0A, 0x62]).lines() == ["a\u{FFFD}", "b"])
        #expect(TextSample(bytes: Array("wmic\r\r\n\r\r\nqfe\r\r\n".utf8)).lines() == ["wmic", "qfe"])
    }

    @Test("formats are recognised by content, not by name")
    func sniffing() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let sniffer = FormatSniffer()
        let ldif = try scratch.write("export.txt", "version: 1\n\ndn: CN=a,DC=x\nobjectClass: user\n")
        let dump = try scratch.write(
            "hashes.ldif", "x:1:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::\n")
        let empty = try scratch.write("empty.csv", "\n\n")
        let binary = try scratch.write("photo.jpg", Data([0xFF, 0xD8, 0xFF, 0x00, 0x10, 0x4A, 0x46]))
        let other = try scratch.write("notes.txt", "Meeting notes\nnothing to see\n")
        // A hash dump zero-filled after a crash, written on after it: text, damaged.
        let zeroFilled = try scratch.write(
            "dump.txt",
            "x:1:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::\n"
                + String(repeating: "\0", count: 9000)
                + "y:2:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::\n")
        let archive = try scratch.write(
            "export.zip", Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]))
        let database = try scratch.write(
            "state.sqlite", Data("SQLite format 3".utf8) + Data([0x00, 0x10, 0x00, 0x01, 0x01, 0x00, 0x40, 0x20]))
        func format(_ url: URL) throws -> String {
            switch try sniffer.examine(path: url.path) {
            case .recognised(let reader): reader.format.id
            case .damaged(let reader, let nulBytes): "\(reader.format.id) with \(nulBytes) NULs"
            case .empty: "empty"
            case .binary: "binary"
            case .unrecognised: "unrecognised"
            }
        }
        #expect(try format(ldif) == "ldif")
        #expect(try format(dump) == "pwdump")
        #expect(try format(empty) == "empty")
        #expect(try format(binary) == "binary")
        #expect(try format(other) == "unrecognised")
        #expect(try format(zeroFilled) == "pwdump with 9000 NULs")
        #expect(try format(archive) == "binary")
        #expect(try format(database) == "binary")
        #expect(throws: EvidenceError.self) {
            try sniffer.examine(path: scratch.url.appendingPathComponent("missing").path)
        }
        #expect(throws: EvidenceError.self) { try sniffer.examine(path: scratch.url.path) }
    }
}

@Suite("Manifest scan section")
struct ManifestScanTests {
    @Test("paths as strings or with their ACL path and host; patterns, state and jobs")
    func scanSection() throws {
        let manifest = try ManifestReader().parse(
            """
            scan:
              paths:
                - shares/practice
                - path: /mnt/fs01/clinical
                  acl-path: 'D:\\Shares\\Clinical'
                  host: FS01
              include: "*.csv"
              exclude: ["~$*", "**/Archive"]
              state: scan-state.sqlite
              jobs: 2
            """,
            file: "vigil.yaml")
        let scan = try #require(manifest.scan)
        #expect(
            scan.roots == [
                .init(path: "shares/practice", line: 3),
                .init(path: "/mnt/fs01/clinical", aclPath: "D:\\Shares\\Clinical", host: "FS01", line: 4),
            ])
        #expect(scan.include == ["*.csv"] && scan.exclude == ["~$*", "**/Archive"])
        #expect(scan.state == "scan-state.sqlite" && scan.jobs == 2)
    }

    @Test(
        "scan section mistakes are errors with a position",
        arguments: [
            ("scan:\n  include: ['*.csv']\n", "scan.paths is required"),
            ("scan:\n  paths: []\n", "scan.paths must be a list"),
            ("scan:\n  paths: [a]\n  jobs: none\n", "scan.jobs must be a positive"),
            ("scan:\n  paths:\n    - path: a\n      acl: b\n", "unknown key 'acl'"),
        ])
    func scanMistakes(text: String, message: String) {
        #expect {
            _ = try ManifestReader().parse(text, file: "vigil.yaml")
        } throws: { error in
            (error as? EvidenceError)?.message.contains(message) == true
        }
    }

    @Test("resources: folders by Windows path and applications, each with a classification and its line")
    func resources() throws {
        let manifest = try ManifestReader().parse(
            """
            resources:
              - path: 'D:\\Shares\\Clinical\\Ward Lists'
                classification: patient-confidential
              - path: '\\\\fs01\\finance'
                classification: confidential
                name: Finance share
              - application: EPR
                classification: patient-confidential
            """, file: "vigil.yaml")
        #expect(manifest.resources.map(\.id) == ["D:\\Shares\\Clinical\\Ward Lists", "\\\\fs01\\finance", "EPR"])
        #expect(manifest.resources.map(\.kind) == [.folder, .share, .application])
        #expect(
            manifest.resources.map(\.classification) == [.patientConfidential, .confidential, .patientConfidential])
        #expect(manifest.resources[1].name == "Finance share")
        #expect(manifest.resources.map(\.source.line) == [2, 4, 7])
    }

    @Test(
        "resources mistakes are errors with a position, never quoting the value",
        arguments: [
            ("resources: D:\\x\n", "resources must be a list"),
            ("resources:\n  - classification: confidential\n", "exactly one of path or application"),
            ("resources:\n  - path: a\n    application: b\n    classification: confidential\n", "exactly one of"),
            ("resources:\n  - path: a\n    classification: secretish\n", "classification must be one of"),
            ("resources:\n  - path: a\n    classification: unclassified\n", "classification must be one of"),
        ])
    func resourcesMistakes(text: String, message: String) {
        #expect {
            _ = try ManifestReader().parse(text, file: "vigil.yaml")
        } throws: { error in
            guard let error = error as? EvidenceError else { return false }
            return error.message.contains(message) && !error.message.contains("secretish")
        }
    }
}
