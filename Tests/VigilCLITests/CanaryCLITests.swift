import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// Canaries: known passwords, NT and LM hashes, health-service numbers (in content and in file and folder names) and
/// account names are seeded into a bundle, a share and broken input files; every command is run on them through the
/// real executable, with every output format and `-v`; no canary may appear in any output file, state file, database,
/// log line or error message. Masked forms (`943 *** **19`) are what outputs should hold instead.
@Suite("canaries never leave memory", .serialized)
struct CanaryCLITests {
    /// Cleartext passwords: one behind an NT hash (guessable, so the analysis cracks it in memory), one in a
    /// secretsdump CLEARTEXT line.
    static let passwords = ["Riverside2024!", "Zq8!canary-cleartext"]
    /// An LM hash (any 32 hex digits: it is only ever looked at as a canary).
    static let lmHash = "c0ffee11c0ffee22c0ffee33c0ffee44"
    /// Valid health-service numbers: NHS (England), CHI (Scotland), H&C (Northern Ireland).
    static let inName = "9434765919"
    static let inFolderName = "4505577104"
    /// In an account's name (a patient portal's accounts), with a weak password shared with another account.
    static let inAccountName = "7041386473"
    /// In a host's name (a Windows 7 host's systeminfo, so that it has findings), and printed by `inspect`.
    static let inHostName = "6010232139"
    static let inContent = ["4010232137", "4975836327", "0101011237", "3200123451"]
    /// An account name that only broken lines carry (account names in a good dump are report subjects by design).
    static let brokenAccount = "canary.k7q2"

    static var numbers: [String] { [inName, inFolderName, inAccountName, inHostName] + inContent }

    /// The lower-case hex of a password's NT hash (the tests alone spell hashes out).
    static func hex(_ password: String) -> String {
        let hash = NTHash(password: password)
        return String(format: "%016llx%016llx", hash.high, hash.low)
    }

    /// Every canary in each form it could leak in.
    static var canaries: [String] {
        var all = passwords + [lmHash, lmHash.uppercased()]
        for password in passwords {
            let hash = hex(password)
            all += [hash, hash.uppercased()]
        }
        for number in numbers {
            all.append(number)
            let digits = Array(number)
            all.append("\(String(digits[0..<3])) \(String(digits[3..<6])) \(String(digits[6...]))")
            all.append("\(String(digits[0..<3]))-\(String(digits[3..<6]))-\(String(digits[6...]))")
        }
        return all
    }

    /// A bundle with a hash dump (good and broken lines), a share inside it named in `vigil.yaml`, and broken advisory
    /// and corpus files.
    static func seed(_ scratch: ScratchDirectory) throws -> URL {
        let bundle = scratch.url.appendingPathComponent("bundle")
        let weak = hex(passwords[0])
        let cleartextHash = hex(passwords[1])
        let empty = "aad3b435b51404eeaad3b435b51404ee"
        try scratch.write(
            "bundle/vigil.yaml",
            """
            organisation:
              code: Y99999
              name: Riverside Medical Practice
              kind: gp-practice
            scan:
              paths:
                - share
            """)
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("ad-estate-sample/directory.ldif"), to: bundle.appendingPathComponent("directory.ldif"))
        let dump = try Fixtures.text("ad-estate-sample/ntds.txt")
        try scratch.write(
            "bundle/ntds.txt",
            dump
                + [
                    "RIVERSIDE\\amy.hall:2001:\(lmHash):\(weak):::",
                    "RIVERSIDE\\nina.taylor:2002:\(empty):\(cleartextHash):::",
                    "RIVERSIDE\\nina.taylor:CLEARTEXT:\(passwords[1])",
                    "RIVERSIDE\\pt\(inAccountName):2005:\(empty):\(weak):::",
                    // Broken lines: a short hash, a missing field, a non-hex hash; each holds canaries.
                    "RIVERSIDE\\\(brokenAccount):2003:\(lmHash):\(weak.prefix(30)):::",
                    "RIVERSIDE\\\(brokenAccount):\(weak):::",
                    "RIVERSIDE\\\(brokenAccount):2004:\(lmHash):\(passwords[0])zzzzzzzzzzzzzzzzzz:::",
                ].joined(separator: "\n") + "\n")
        let systeminfo = try Fixtures.text(
            "windows-systeminfo/systeminfo/7_sp1_x64_enterprise_en-us_20190305_systeminfo.txt")
        let hostName = try #require(systeminfo.firstMatch(of: /Host Name:\s+(\S+)/)?.output.1)
        try scratch.write(
            "bundle/pc.systeminfo.txt", systeminfo.replacingOccurrences(of: String(hostName), with: "P\(inHostName)"))
        // Forty patients make a patient list (a finding naming the file); the canaries are among them.
        let patients = inContent + Self.validNumbers(from: 401_023_200, count: 40)
        let list = "NHS Number,Name,DOB\n" + patients.map { "\($0),Jane Smith,12/03/1956" }.joined(separator: "\n")
        try scratch.write("bundle/share/\(inFolderName) notes/referral \(inName).csv", list + "\n")
        try scratch.write("bundle/share/letters/letter.txt", "Re: Mrs Jane Smith  NHS No: \(inContent[0])\n")
        // Broken advisory files: CVRF cut short with canaries in element names and text; a KEV CSV with a bad row.
        try scratch.write(
            "bad/cvrf.xml",
            """
            <?xml version="1.0"?>
            <cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1">
            <Vulnerability><CVE>\(inName)</CVE><Title>\(passwords[0]) \(weak)</Title><N\(inContent[1])>\(lmHash)</X>
            """)
        try scratch.write(
            "bad/kev.csv",
            "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate\n"
                + "\(inName),\(passwords[0]),\(weak),\(brokenAccount),not-a-date,\(lmHash),x,y\n")
        try scratch.write(
            "bad/corpus.txt",
            [
                "\(weak.uppercased()):12", "\(weak.prefix(31)):3", "\(passwords[0]):\(inName)",
                "\(lmHash.uppercased()):not-a-count", "\(brokenAccount)",
            ].joined(separator: "\n") + "\n")
        return bundle
    }

    /// `count` NHS numbers with valid check digits from `start` (nine digits) on.
    static func validNumbers(from start: Int, count: Int) -> [String] {
        var result: [String] = []
        var stem = start
        while result.count < count {
            let digits = String(stem).map { Int(String($0))! }
            let sum = zip(digits, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
            let check = (11 - sum % 11) % 11
            if check != 10 { result.append(String(stem) + String(check)) }
            stem += 1
        }
        return result
    }

    /// Every byte Vigil wrote under `folder`, by file.
    static func files(under folder: URL) -> [(String, Data)] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        var result: [(String, Data)] = []
        for case let url as URL in walker {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
                let data = try? Data(contentsOf: url)
            else { continue }
            result.append((url.path, data))
        }
        return result
    }

    @Test("assess, scan, inspect, advisories and corpus on seeded inputs: no canary in any output, log or error")
    func noCanaryLeaves() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let bundle = try Self.seed(scratch)
        let bad = scratch.url.appendingPathComponent("bad")
        let out = scratch.url.appendingPathComponent("out")
        var texts: [(String, String)] = []
        func run(_ arguments: [String]) throws -> VigilProcess.Result {
            let result = try VigilProcess.run(arguments)
            texts.append(("\(arguments.prefix(2)) stdout", result.output))
            texts.append(("\(arguments.prefix(2)) stderr", result.error))
            return result
        }

        let assess = try run([
            "assess", bundle.path, "--out", out.appendingPathComponent("assess").path, "--format", "html,json,csv",
            "-v", "--as-of", "2026-11-01",
        ])
        #expect([0, 1].contains(assess.status), "\(assess.error)")
        // The analysis did see the canaries: the weak password was cracked and the patient list found.
        let json = try String(
            contentsOf: out.appendingPathComponent("assess/assessment.json"), encoding: .utf8)
        #expect(json.contains("VGL-CRED-") && json.contains("VGL-PD-PATIENT-LIST"), "\(assess.output)")
        #expect(json.contains("referral 943 *** **19.csv"))
        #expect(json.contains("pt704 *** **73"))

        let scan = try run([
            "scan", bundle.appendingPathComponent("share").path, "--out", out.appendingPathComponent("scan").path,
        ])
        #expect([0, 1].contains(scan.status), "\(scan.error)")
        let scanJSON = try String(contentsOf: out.appendingPathComponent("scan/scan.json"), encoding: .utf8)
        #expect(scanJSON.contains("referral 943 *** **19.csv") && scanJSON.contains("450 *** **04 notes"))

        _ = try run(["inspect", bundle.appendingPathComponent("ntds.txt").path])
        let inspected = try run(["inspect", bundle.appendingPathComponent("pc.systeminfo.txt").path])
        #expect(inspected.output.contains("P601 *** **39: "), "\(inspected.output)")
        #expect(json.contains("P601 *** **39"))
        _ = try run([
            "inspect", bad.appendingPathComponent("cvrf.xml").path, bad.appendingPathComponent("kev.csv").path,
        ])
        let database = out.appendingPathComponent("advisories.sqlite").path
        _ = try run([
            "advisories", "import", bad.appendingPathComponent("cvrf.xml").path,
            bad.appendingPathComponent("kev.csv").path, "-o", database,
        ])
        _ = try run(["advisories", "show", database])
        let corpus = try run([
            "corpus", "build", bad.appendingPathComponent("corpus.txt").path, "-o",
            out.appendingPathComponent("corpus.vbi").path,
        ])
        #expect(corpus.status != 0)  // mostly broken: refused, with a message

        // The needles are right: each kind of canary is in the inputs, byte for byte.
        let inputs = Self.files(under: scratch.url.appendingPathComponent("bundle")) + Self.files(under: bad)
        for canary in [Self.hex(Self.passwords[0]), Self.lmHash, Self.passwords[1], Self.inContent[2]] {
            #expect(inputs.contains { $0.1.range(of: Data(canary.utf8)) != nil }, "\(canary) not seeded")
        }
        let written = Self.files(under: out)
        #expect(written.contains { $0.0.hasSuffix(".vigil-scan-state.sqlite") })
        #expect(written.contains { $0.0.hasSuffix("report.html") })
        for canary in Self.canaries {
            let needle = Data(canary.utf8)
            for (path, data) in written {
                #expect(data.range(of: needle) == nil, "\(canary) in \(path)")
            }
            for (name, text) in texts { #expect(!text.contains(canary), "\(canary) in \(name)") }
        }
        // Account names are report subjects by design, but never quoted from a broken line.
        for (name, text) in texts { #expect(!text.contains(Self.brokenAccount), "broken line quoted in \(name)") }
        for (path, data) in written {
            #expect(data.range(of: Data(Self.brokenAccount.utf8)) == nil, "broken line quoted in \(path)")
        }
    }
}
