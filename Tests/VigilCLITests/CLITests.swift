import Foundation
import Glibc
import Testing
import VigilCLI
import VigilCore
import VigilReport
import VigilTestSupport

/// Runs the real `vigil` executable, so exit codes and output are what users and scripts see.
enum VigilProcess {
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Fixtures.repository.appendingPathComponent(".build/debug/vigil")
    }()

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil, program: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program.map(URL.init(fileURLWithPath:)) ?? executable
        process.arguments = program == nil ? arguments : Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self))
    }
}

@Suite("vigil command line", .serialized)
struct CLITests {
    @Test("the executable exists next to the tests")
    func executable() {
        #expect(
            FileManager.default.isExecutableFile(atPath: VigilProcess.executable.path),
            "build the package first: \(VigilProcess.executable.path)")
    }

    @Test("assess: lists what it read, writes the reports, prints a summary; exit 0")
    func assess() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("out")
        let result = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "--as-of", "2026-11-01",
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("Evidence read:"))
        // Grouped by folder and format; -v lists every file.
        #expect(result.output.contains("ldif        1 file, 187 records"), "\(result.output)")
        let verbose = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "--as-of", "2026-11-01", "-v",
        ])
        #expect(verbose.output.contains("directory.ldif") && verbose.output.contains("187 records"))
        #expect(result.output.contains("Not read:") && result.output.contains("ground-truth.json"))
        #expect(result.output.contains("Riverside Medical Practice (Y99999), as of 2026-11-01"))
        for format in ReportFormat.defaults {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(format.fileName).path))
        }
    }

    @Test("without --as-of the assessment is as of today, midnight UTC: no time of day in assessment.json")
    func asOfToday() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("out")
        let before = CivilDate.string(Date())
        let result = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "--format", "json", "-q",
        ])
        #expect(result.status == 0, "\(result.error)")
        let data = try Data(contentsOf: out.appendingPathComponent("assessment.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let assessedAt = try #require(object["assessedAt"] as? String)
        let after = CivilDate.string(Date())
        #expect(assessedAt == "\(before)T00:00:00Z" || assessedAt == "\(after)T00:00:00Z", "\(assessedAt)")
    }

    @Test(
        "exit codes are the documented ones",
        arguments: [
            (["--fail-on", "critical"], 1), (["--fail-on", "info"], 1), (["--format", "json"], 0),
            (["--format", "ocsf"], 0),
            (["--fail-on", "severe"], 64),
            (["--as-of", "01/11/2026"], 64), (["--stale-days", "0"], 64),
            (["--stale-days", "9223372036854775807"], 64), (["--strict"], 0),
        ] as [([String], Int32)]
    )
    func exitCodes(arguments: [String], status: Int32) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try VigilProcess.run(
            [
                "assess", Fixtures.url("ad-estate-sample").path, "--out", scratch.url.path, "--quiet", "--as-of",
                "2026-11-01",
            ] + arguments)
        #expect(result.status == status, "\(arguments): \(result.error)")
    }

    /// Whether a file can be made unreadable to the `vigil` run: as an ordinary user, by its mode; as root (CI), by
    /// running `vigil` as `nobody`, which needs `runuser` and the executable reachable by others.
    static let canRunUnprivileged: Bool = {
        if geteuid() != 0 { return true }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return false }
        let probe = try? VigilProcess.run(
            ["/usr/sbin/runuser", "-u", "nobody", "--", VigilProcess.executable.path, "--version"],
            program: "/usr/sbin/runuser")
        return probe?.status == 0
    }()

    /// Runs `vigil` as `nobody` when the tests run as root (a file's mode does not stop root), as the user otherwise.
    static func runUnprivileged(_ arguments: [String]) throws -> VigilProcess.Result {
        guard geteuid() == 0 else { return try VigilProcess.run(arguments) }
        return try VigilProcess.run(
            ["/usr/sbin/runuser", "-u", "nobody", "--", VigilProcess.executable.path] + arguments,
            program: "/usr/sbin/runuser")
    }

    @Test(
        "an input that cannot be opened exits 74 after the reports, which say the area's evidence may be that file",
        .enabled(if: canRunUnprivileged))
    func unreadableInput() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let bundle = scratch.url.appendingPathComponent("bundle")
        try scratch.write(
            "bundle/directory.ldif", try Data(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif")))
        let dump = try scratch.write("bundle/ntds.txt", try Data(contentsOf: Fixtures.url("ad-estate-sample/ntds.txt")))
        let out = scratch.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for (path, mode) in [(scratch.url.path, 0o755), (bundle.path, 0o755), (out.path, 0o777), (dump.path, 0o600)] {
            chmod(path, mode_t(mode))
        }
        if geteuid() != 0 { chmod(dump.path, 0) }
        let result = try Self.runUnprivileged([
            "assess", bundle.path, "-q", "--out", out.appendingPathComponent("r").path,
        ])
        #expect(result.status == 74, "\(result.error)")
        #expect(result.error.contains("1 file of the bundle could not be opened (ntds.txt"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("r/assessment.json"))) as? [String: Any]
        let coverage = (json?["coverage"] as? [[String: Any]])?.first { $0["area"] as? String == "credentials" }
        #expect((coverage?["basis"] as? String)?.contains("if this evidence is among them, make it readable") == true)
        let unrecognised = ((json?["evidence"] as? [String: Any])?["unrecognised"] as? [[String: Any]]) ?? []
        #expect(unrecognised.first { $0["path"] as? String == "ntds.txt" }?["unreadable"] as? Bool == true)
        // With nothing else to read, the unopened file is the problem reported (74, not "no evidence recognised"),
        // and inspect says the same of it.
        try FileManager.default.removeItem(at: bundle.appendingPathComponent("directory.ldif"))
        let alone = ["assess", bundle.path, "-q", "--out", out.appendingPathComponent("r2").path]
        let inspect = ["inspect", dump.path]
        for (arguments, says) in [(alone, "nothing was read"), (inspect, "cannot open the file")] {
            let run = try Self.runUnprivileged(arguments)
            #expect(run.status == 74, "\(arguments[0]): \(run.error)")
            #expect((run.output + run.error).contains(says))
        }
    }

    @Test(
        "inspect a folder: read as an assessment reads it (its vigil.yaml not evidence, names masked); an empty one is 65"
    )
    func inspectFolder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "bundle/directory.ldif", try Data(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif")))
        try scratch.write(
            "bundle/sub/9434765919 ntds.txt", try Data(contentsOf: Fixtures.url("ad-estate-sample/ntds.txt")))
        let inspected = try VigilProcess.run(["inspect", scratch.url.appendingPathComponent("bundle").path])
        #expect(inspected.status == 0, "\(inspected.output)\(inspected.error)")
        #expect(inspected.output.contains("directory.ldif: ldif, 187 records read, 0 rejected"), "\(inspected.output)")
        #expect(inspected.output.contains("sub/943 *** **19 ntds.txt: pwdump, 182 records read, 0 rejected"))
        #expect(!inspected.output.contains("9434765919"))
        #expect(inspected.output.contains("Holds: 182 directory accounts"))
        // The file named on its own, and one that does not exist: masked likewise.
        let named = scratch.url.appendingPathComponent("bundle/sub/9434765919 ntds.txt").path
        let file = try VigilProcess.run(["inspect", named])
        #expect(file.status == 0 && file.output.contains("943 *** **19 ntds.txt: pwdump"), "\(file.output)")
        let missing = try VigilProcess.run(["inspect", named + ".gone"])
        #expect(missing.status == 66)
        #expect(!(file.output + file.error + missing.output + missing.error).contains("9434765919"))
        // The fixture's folder: its manifest is not evidence; its ground truth is a file Vigil does not read (65).
        let fixture = try VigilProcess.run(["inspect", Fixtures.url("ad-estate-sample").path])
        #expect(fixture.status == 65 && !fixture.output.contains("vigil.yaml"), "\(fixture.output)")
        // A systeminfo list cut at 245 of 263 (242 distinct) names its updates, and says it is not the whole list.
        let cut = try VigilProcess.run([
            "inspect", Fixtures.url("windows-systeminfo/systeminfo/7_sp1_x64_ultimaten_de_systeminfo.txt").path,
        ])
        #expect(cut.output.contains("OLI7-PC: ") && cut.output.contains("; 242 updates listed, the list incomplete"))
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(try VigilProcess.run(["inspect", scratch.url.appendingPathComponent("empty").path]).status == 65)
        #expect(
            try VigilProcess.run(["inspect", scratch.url.path, Fixtures.url("ad-estate-sample/ntds.txt").path]).status
                == 64)
    }

    @Test("input problems exit 65, 66 or 73 with a message naming the file")
    func inputErrors() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let missing = try VigilProcess.run(["assess", scratch.url.appendingPathComponent("nope").path, "-q"])
        #expect(missing.status == 66 && missing.error.contains("no such folder"))
        // A folder named after a patient is named masked, as scan and inspect name it.
        let patient = try VigilProcess.run(["assess", scratch.url.appendingPathComponent("4857773457").path, "-q"])
        #expect(patient.status == 66 && patient.error.contains("485 *** **57"), "\(patient.error)")
        #expect(!patient.error.contains("4857773457"))
        // A reference file that is not there is input not found too, whichever option names it.
        for option in ["--breach-index", "--advisories", "--wordlist"] {
            let reference = try VigilProcess.run([
                "assess", Fixtures.url("ad-estate-sample").path, "-q", "--out",
                scratch.url.appendingPathComponent("r").path,
                option, scratch.url.appendingPathComponent("absent").path,
            ])
            #expect(reference.status == 66, "\(option): \(reference.status) \(reference.error)")
        }
        try scratch.write("empty/notes.txt", "nothing here\n")
        let nothing = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("empty").path, "-q", "--out",
            scratch.url.appendingPathComponent("o").path,
        ])
        #expect(nothing.status == 65 && nothing.error.contains("no evidence recognised"))
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("void"), withIntermediateDirectories: true)
        let void = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("void").path, "-q", "--out",
            scratch.url.appendingPathComponent("o4").path,
        ])
        #expect(void.status == 65 && void.error.contains("holds no file to read"))
        // One file where the folder goes is a usage mistake, with what to do; so is a date that does not parse.
        let file = try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample/ntds.txt").path, "-q"])
        #expect(file.status == 64 && file.error.contains("put it in a folder"))
        let date = try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample").path, "--as-of", "2026-13-01"])
        #expect(date.status == 64 && date.error.contains("Usage: vigil assess"))
        #expect(date.error.contains("--as-of is not a day of the calendar"))
        let shape = try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample").path, "--as-of", "1/11/2026"])
        #expect(shape.status == 64 && shape.error.contains("--as-of expects a date as YYYY-MM-DD"))
        try scratch.write("bad/vigil.yaml", "organisation:\n  code: X\n  name: Y\n  colour: red\n")
        let manifest = try VigilProcess.run(["assess", scratch.url.appendingPathComponent("bad").path, "-q"])
        #expect(
            manifest.status == 65 && manifest.error.contains("vigil.yaml:4")
                && manifest.error.contains("unknown key 'colour'"))
        try scratch.write(
            "broken/d.ldif",
            "dn: CN=a,DC=t\nobjectClass: user\nuserAccountControl: x\n\ndn: CN=b,DC=t\nobjectClass: user\nsAMAccountName: b\n"
        )
        let strict = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("broken").path, "--strict", "-q", "--out",
            scratch.url.appendingPathComponent("o2").path,
        ])
        #expect(strict.status == 65 && strict.error.contains("1 record rejected"))
        // The report folder cannot be the evidence folder, nor a folder above it: a usage error, not "no evidence".
        for out in [".", ".."] {
            let same = try VigilProcess.run(
                ["assess", ".", "-q", "--out", out], in: Fixtures.url("ad-estate-sample"))
            #expect(
                same.status == 64 && same.error.contains("--out names the evidence folder"), "\(out): \(same.error)")
        }
        // A directory search that failed (a real ldapsearch run without a bind) is the only directory evidence and
        // holds none: 65 from assess and inspect alike, as for an export whose every record was rejected.
        let failed = try Data(contentsOf: Fixtures.url("real/ldif/ldapsearch-ad-bind-required.ldif"))
        try scratch.write("searchfailed/directory.ldif", failed)
        let search = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("searchfailed").path, "-q", "--out",
            scratch.url.appendingPathComponent("o3").path,
        ])
        #expect(search.status == 65 && search.error.contains("no record could be read"), "\(search.error)")
        let inspected = try VigilProcess.run([
            "inspect", scratch.url.appendingPathComponent("searchfailed/directory.ldif").path,
        ])
        #expect(inspected.status == 65)
        // So is the server's root entry alone (a real `ldapsearch -s base namingcontexts`): it is not a record of the
        // directory, so nothing was read.
        try scratch.write(
            "rootdse/directory.ldif", try Data(contentsOf: Fixtures.url("real/ldif/ldapsearch-ad-naming-contexts.ldif"))
        )
        for command in [
            [
                "assess", scratch.url.appendingPathComponent("rootdse").path, "-q", "--out",
                scratch.url.appendingPathComponent("o4").path,
            ],
            ["inspect", scratch.url.appendingPathComponent("rootdse/directory.ldif").path],
        ] {
            let root = try VigilProcess.run(command)
            #expect(root.status == 65, "\(command[0]): \(root.error)")
            // The line saying so gives the reason (the root DSE), not the first warning (the pasted prompt).
            if command[0] == "assess" { #expect(root.error.contains("is the server's root DSE"), "\(root.error)") }
        }
        // What an export holds, per host: the system as reported and the updates listed (a real systeminfo file and a
        // Get-HotFix table, which names no system).
        let hosts = try VigilProcess.run([
            "inspect", Fixtures.url("real/systeminfo/fhb-codelabs-win10-education-20h2.txt").path,
            Fixtures.url("real/gethotfix/fleschutz-list-installed-hotfixes.txt").path,
            Fixtures.url("real/systeminfo/snovvcrash-multimaster-ps-prompt.txt").path,
        ])
        #expect(
            hosts.output.contains(
                "DESKTOP-315IDDD: Microsoft Windows 10 Education, version 10.0.19042; 9 updates listed; not a domain controller"
            ))
        #expect(
            hosts.output.contains(
                "MULTIMASTER: Microsoft Windows Server 2016 Standard, version 10.0.14393; 5 updates listed; domain controller"
            ), "\(hosts.output)")
        #expect(hosts.output.contains("no operating system reported"))
        try scratch.write("blocker", "a file where the output folder should go")
        let cannot = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "-q", "--out",
            scratch.url.appendingPathComponent("blocker/out").path,
        ])
        #expect(cannot.status == 73 && cannot.error.contains("cannot create the folder: Not a directory"))
        let demo = try VigilProcess.run(["demo", "-q", "--out", scratch.url.appendingPathComponent("blocker/d").path])
        #expect(demo.status == 73 && demo.error.contains("cannot create the folder: Not a directory"), "\(demo.error)")
    }

    @Test("corpus build and verify; assess with the index; refusals have their exit codes")
    func corpus() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let index = scratch.url.appendingPathComponent("pwned.vbi").path
        let build = try VigilProcess.run([
            "corpus", "build", Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt").path, "-o", index,
        ])
        #expect(build.status == 0, "\(build.error)")
        #expect(build.output.contains("Indexed 20,022 NTLM hashes"))
        // The kind named, as --kind or as README once called it, --hash.
        for option in ["--kind", "--hash"] {
            let named = try VigilProcess.run([
                "corpus", "build", Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt").path, "-o",
                scratch.url.appendingPathComponent("named\(option).vbi").path, option, "ntlm",
            ])
            #expect(named.status == 0 && named.output.contains("Indexed 20,022 NTLM hashes"), "\(named.error)")
        }
        let verify = try VigilProcess.run(["corpus", "verify", index])
        #expect(verify.status == 0 && verify.output.contains("valid"))
        #expect(try VigilProcess.run(["corpus", "verify", index + ".missing"]).status == 66)
        let assess = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--breach-index", index, "--out",
            scratch.url.appendingPathComponent("out").path, "--as-of", "2026-11-01",
        ])
        #expect(assess.status == 0, "\(assess.error)")
        #expect(assess.output.contains("VGL-CRED-BREACHED") && assess.output.contains("Passwords assessed"))
        // Nothing the terminal shows is a hash from the dump.
        let hashes = try Fixtures.text("ad-estate-sample/ntds.txt").split(separator: "\n").map {
            $0.split(separator: ":")[3].lowercased()
        }
        #expect(!hashes.contains { assess.output.lowercased().contains($0) })

        // Built again over its own index: replaced. Over the corpus itself, or over a file that is no index: refused,
        // and the file left as it was.
        #expect(
            try VigilProcess.run([
                "corpus", "build", Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt").path, "-o", index,
            ]).status == 0)
        let corpusCopy = scratch.url.appendingPathComponent("copy.txt")
        try FileManager.default.copyItem(at: Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt"), to: corpusCopy)
        let original = try Data(contentsOf: corpusCopy)
        let overSource = try VigilProcess.run(["corpus", "build", corpusCopy.path, "-o", corpusCopy.path])
        #expect(overSource.status == 73 && overSource.error.contains("it is the corpus being indexed"))
        #expect(try Data(contentsOf: corpusCopy) == original)
        try scratch.write("notes.txt", "my notes\n")
        let overNotes = try VigilProcess.run([
            "corpus", "build", corpusCopy.path, "-o", scratch.url.appendingPathComponent("notes.txt").path,
        ])
        #expect(overNotes.status == 73 && overNotes.error.contains("is not a Vigil breach index"))
        #expect(
            try String(contentsOf: scratch.url.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes\n")

        try scratch.write("not-a-corpus.txt", "hello\nworld\n")
        #expect(
            try VigilProcess.run([
                "corpus", "build", scratch.url.appendingPathComponent("not-a-corpus.txt").path, "-o", index + ".2",
            ]).status == 65)
        #expect(
            try VigilProcess.run([
                "corpus", "build", scratch.url.appendingPathComponent("missing.txt").path, "-o", index + ".3",
            ]).status == 66)
        try scratch.write("broken.vbi", "VIGILBIX but not really an index")
        let refused = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--breach-index",
            scratch.url.appendingPathComponent("broken.vbi").path, "-q", "--out",
            scratch.url.appendingPathComponent("o").path,
        ])
        #expect(refused.status == 65 && refused.error.contains("refused"))
        let noList = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--wordlist", "/nonexistent/words.txt", "-q", "--out",
            scratch.url.appendingPathComponent("o").path,
        ])
        #expect(noList.status == 66)
        #expect(
            try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample").path, "--guessing", "extreme"]).status
                == 64)
    }

    @Test("a file that was the only evidence of its kind and of which nothing could be read exits 65, naming it")
    func unusableEvidence() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A hash dump declared as LDIF: the content says what it is.
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("declared"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("pwdump/dpat-customer-small.ntds"),
            to: scratch.url.appendingPathComponent("declared/ntds.ntds"))
        try FileManager.default.copyItem(
            at: Fixtures.url("ad-estate-sample/directory.ldif"),
            to: scratch.url.appendingPathComponent("declared/directory.ldif"))
        try scratch.write(
            "declared/vigil.yaml",
            "organisation:\n  code: X1\n  name: Test\n  kind: other\ninputs:\n  - path: ntds.ntds\n    format: ldif\n  - directory.ldif\n"
        )
        let declared = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("declared").path, "--out",
            scratch.url.appendingPathComponent("o1").path, "--fail-on", "critical",
        ])
        #expect(declared.status == 65, "\(declared.error)")
        #expect(declared.error.contains("ntds.ntds (ldif): no record could be read"), "\(declared.error)")
        #expect(declared.error.contains("looks like") && declared.error.contains("format: pwdump"), "\(declared.error)")
        // Every record of the only directory export rejected.
        try scratch.write("rejected/d.ldif", "dn: CN=a,DC=t\nobjectClass: user\nuserAccountControl: x\n")
        let rejected = try VigilProcess.run([
            "assess", scratch.url.appendingPathComponent("rejected").path, "-q", "--out",
            scratch.url.appendingPathComponent("o2").path,
        ])
        #expect(rejected.status == 65, "\(rejected.error)")
        #expect(rejected.error.contains("d.ldif (ldif): no record could be read"), "\(rejected.error)")
    }

    @Test("demo: refuses a non-empty folder it did not write; rewrites its own without mixing old files in")
    func demoFolder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("mine/notes.txt", "a user's file\n")
        try scratch.write("mine/referral 9434765919.csv", "a name that is itself an identifier\n")
        let refused = try VigilProcess.run([
            "demo", "--out", scratch.url.appendingPathComponent("mine").path, "--trust-staff", "20", "--practices",
            "0", "-q",
        ])
        #expect(refused.status == 73 && refused.error.contains("not written by vigil demo"), "\(refused.error)")
        // The refusal names what it found as every output names files: the NHS number in the name masked.
        #expect(refused.error.contains("referral 943 *** **19.csv") && !refused.error.contains("9434765919"))
        #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("mine/notes.txt").path))
        let out = scratch.url.appendingPathComponent("demo")
        let arguments = [
            "demo", "--out", out.path, "--trust-staff", "40", "--practices", "0", "-q", "--as-of", "2026-11-01",
        ]
        #expect(try VigilProcess.run(arguments).status == 0)
        try scratch.write(
            "demo/estates/R9N/old-export.ldif", "dn: CN=old,DC=t\nobjectClass: user\nsAMAccountName: old\n")
        try scratch.write("demo/kept.txt", "not the demo's\n")
        let again = try VigilProcess.run(arguments)
        #expect(again.status == 0, "\(again.error)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("estates/R9N/old-export.ldif").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("kept.txt").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("reports/R9N/report.html").path))
    }

    @Test(
        "generate and generate-share: refuse a folder holding a user's files, rewrite their own",
        arguments: [
            (["generate", "--staff", "20", "--corpus-filler", "10"], "estate/directory.ldif", "vigil generate"),
            (["generate-share", "--size", "64k", "--scale", "small"], "Referrals", "vigil generate-share"),
        ])
    func generatedFolders(command: [String], written: String, name: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A real export where a user keeps them: generating over it would replace the directory.ldif people ran.
        try scratch.write("exports/estate/directory.ldif", "dn: CN=real,DC=t\n")
        let exports = scratch.url.appendingPathComponent("exports")
        let refused = try VigilProcess.run(command + ["--out", exports.path])
        #expect(refused.status == 73 && refused.error.contains("not written by \(name)"), "\(refused.error)")
        #expect(
            try String(contentsOf: exports.appendingPathComponent("estate/directory.ldif"), encoding: .utf8)
                == "dn: CN=real,DC=t\n")

        let out = scratch.url.appendingPathComponent("generated")
        #expect(try VigilProcess.run(command + ["--out", out.path, "--as-of", "2026-11-01"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(written).path))
        try scratch.write("generated/\(written.split(separator: "/")[0])/stale.txt", "from an earlier run\n")
        try scratch.write("generated/kept.txt", "not the command's\n")
        let again = try VigilProcess.run(command + ["--out", out.path, "--as-of", "2026-11-01"])
        #expect(again.status == 0, "\(again.error)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(written).path))
        let stale = out.appendingPathComponent(written.split(separator: "/")[0] + "/stale.txt")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("kept.txt").path))
    }

    @Test("generate-share: a size past what a number holds is refused, not a crash")
    func generateShareHugeSize() throws {
        for size in ["1e30g", "12q", "nan", "inf", "9223372036854775807k"] {
            let result = try VigilProcess.run(["generate-share", "--out", "/nonexistent/x", "--size", size])
            #expect(result.status == 64 && result.error.contains("--size expects"), "\(size): \(result.error)")
        }
    }

    @Test("demo: generates, assesses, matches ground truth and writes an index")
    func demo() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try VigilProcess.run([
            "demo", "--out", scratch.url.path, "--trust-staff", "300", "--practices", "2", "--as-of", "2026-11-01",
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("3 synthetic organisations"))
        #expect(result.output.components(separatedBy: "0 unexpected").count == 4)
        #expect(!result.output.contains("differ from the ground truth"))
        for path in [
            "index.html", "reports/R9N/report.html", "estates/R9N/directory.ldif", "estates/R9N/ntds.ntds",
            "ground-truth/R9N.json", "reference/pwned-passwords.vbi",
        ] {
            #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(path).path), "\(path)")
        }
        // Each organisation's line states its report's own count of enabled accounts.
        let data = try Data(contentsOf: scratch.url.appendingPathComponent("reports/R9N/assessment.json"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let assessment = try decoder.decode(Assessment.self, from: data)
        let enabled = try #require(assessment.metric("accounts.enabled")?.value)
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("R9N ") })
        #expect(line.contains(" \(Wording.number(enabled)) ") && line.contains("enabled accounts"), "\(line)")
    }

    @Test("generate: writes a bundle and its ground truth")
    func generate() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try VigilProcess.run([
            "generate", "--out", scratch.url.path, "--staff", "500", "--computers", "10", "--as-of", "2026-11-01",
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("computers"))
        #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("ground-truth.json").path))
        #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("estate/vigil.yaml").path))
    }

    @Test("rules --format markdown is docs/rules.md")
    func rules() throws {
        let result = try VigilProcess.run(["rules", "--format", "markdown"])
        #expect(result.output == RuleCatalogueRenderer.markdown())
        #expect(try VigilProcess.run(["rules"]).output.contains("VGL-CRED-SHARED"))
    }

    @Test("--help documents every option and the exit codes")
    func help() throws {
        let root = try VigilProcess.run(["--help"])
        #expect(root.output.contains("EXIT CODES") && root.output.contains("65"))
        let assess = try VigilProcess.run(["assess", "--help"])
        for option in ["--out", "--format", "--fail-on", "--stale-days", "--as-of", "--strict", "--quiet", "--verbose"]
        {
            #expect(assess.output.contains(option), "assess --help lacks \(option)")
        }
        let demo = try VigilProcess.run(["demo", "--help"])
        for option in ["--seed", "--out", "--trust-staff", "--practices", "--format", "--as-of"] {
            #expect(demo.output.contains(option))
        }
    }

    /// A fault in the real executable (raised here by sending the signal a trap or a bad access raises, since Vigil
    /// has no switch to crash on purpose) prints one fixed line and exits 70: no registers, no memory, no backtrace.
    @Test(
        "a crash prints a fixed line and exits 70, never registers or memory",
        arguments: [SIGSEGV, SIGILL, SIGTRAP, SIGBUS])
    func crash(signal: Int32) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let process = Process()
        process.executableURL = VigilProcess.executable
        process.arguments = ["demo", "--out", scratch.url.appendingPathComponent("out").path]
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        usleep(400_000)
        kill(process.processIdentifier, signal)
        let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == CrashHandler.exitCode)
        #expect(text.hasSuffix(String(describing: CrashHandler.message)))
        for marker in ["Registers", "rax", "Backtrac", "Thread 0", "0x0000"] {
            #expect(!text.contains(marker), "\(marker) printed after a crash")
        }
    }
}

@Suite("vigil scan command line", .serialized)
struct ScanCLITests {
    static let numbers = ["4010232137", "4505577104", "4975836327", "4504941597", "4994108269", "4814143524"]

    static func share(_ scratch: ScratchDirectory) throws -> URL {
        var list = "NHS Number,Surname,Date of Birth\n"
        for number in numbers { list += "\(number),Smith,01/02/1960\n" }
        try scratch.write("share/Lists/clinic.csv", list)
        try scratch.write("share/letter.txt", "Re: Mrs Jane Smith  NHS No: 401 023 2137\n")
        return scratch.url.appendingPathComponent("share")
    }

    @Test("the terminal names ten patient lists and counts the rest; throughput is written as scan.html writes it")
    func scanListsShown() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var list = "NHS Number,Surname,Date of Birth\n"
        for number in Self.numbers { list += "\(number),Smith,01/02/1960\n" }
        for index in 1...12 { try scratch.write("share/Lists/clinic-\(index).csv", list) }
        let out = scratch.url.appendingPathComponent("out")
        let result = try VigilProcess.run(
            ["scan", scratch.url.appendingPathComponent("share").path, "--out", out.path, "--no-state"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.components(separatedBy: "\n").filter { $0.contains("patient list ") }.count == 10)
        #expect(result.output.contains("  … 2 more lists in the report"), "\(result.output)")
        #expect(result.output.range(of: #"= \d[\d,]* (B|KiB|MiB|GiB)/s"#, options: .regularExpression) != nil)
    }

    @Test("scans, prints a summary with throughput, writes the three reports; none holds an identifier")
    func scan() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = try Self.share(scratch)
        try scratch.write("share/empty.txt", "")
        let out = scratch.url.appendingPathComponent("out")
        let result = try VigilProcess.run(["scan", share.path, "--out", out.path, "--as-of", "2026-11-01"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("Scanned 3 files"))
        #expect(result.output.contains("under 1 path given: 2 read, 1 skipped (1 empty)."), "\(result.output)")
        #expect(result.output.contains("Throughput:"))
        #expect(result.output.contains("1 patient list"))
        for format in ScanReportFormat.allCases {
            let text = try String(contentsOf: out.appendingPathComponent(format.fileName), encoding: .utf8)
            for number in Self.numbers { #expect(!text.contains(number), "\(format) holds an NHS number") }
            #expect(!text.contains("401 023 2137"))
        }
        let validator = try JSONSchemaValidator(
            schema: Data(contentsOf: Fixtures.repository.appendingPathComponent("schemas/scan.schema.json")))
        try validator.validate(Data(contentsOf: out.appendingPathComponent("scan.json")))
        let again = try VigilProcess.run(["scan", share.path, "--out", out.path, "--as-of", "2026-11-01"])
        // Read, skipped and failed add up to the files on a rescan too; reuse is counted apart.
        #expect(
            again.output.contains(
                "under 1 path given: 2 read, 1 skipped (1 empty); 3 of them unchanged since the last scan, their earlier result reused."
            ), "\(again.output)")
        let totals =
            try #require(
                JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("scan.json")))
                    as? [String: Any])["totals"] as? [String: Any]
        #expect(totals?["filesRead"] as? Int == 2 && totals?["filesReused"] as? Int == 3)
    }

    @Test(
        "paths given: a file is shown as given, a repeated or nested path lists each file once, a relative state file inside the share is not scanned, a missing path is masked"
    )
    func pathsGiven() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        _ = try Self.share(scratch)
        let out = scratch.url.appendingPathComponent("out")
        func scan(_ arguments: [String]) throws -> (VigilProcess.Result, [String]) {
            let result = try VigilProcess.run(
                ["scan"] + arguments + ["--out", out.path, "--format", "json", "-q"], in: scratch.url)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("scan.json")))
            let exposures = (json as? [String: Any])?["exposures"] as? [[String: Any]] ?? []
            return (result, exposures.compactMap { $0["path"] as? String })
        }
        let (file, filePaths) = try scan(
            ["share/letter.txt", "--acl-path", #"D:\Shares\Clinical\letter.txt"#, "--no-state"])
        #expect(file.status == 0, "\(file.error)")
        #expect(filePaths == ["share/letter.txt"])
        let fileJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("scan.json")))
        let exposures = (fileJSON as? [String: Any])?["exposures"] as? [[String: Any]]
        #expect(exposures?.first?["aclPath"] as? String == #"D:\Shares\Clinical\letter.txt"#)
        // Overlapping paths, in either order: each file once, and a path whose files an earlier one listed is not an
        // empty share (no warning, and --strict passes).
        for paths in [
            ["share", "share", "share/Lists", "share/letter.txt"], ["share/letter.txt", "share/Lists", "share"],
        ] {
            let (repeated, repeatedPaths) = try scan(paths + ["--no-state", "--strict"])
            #expect(repeated.status == 0, "\(paths): \(repeated.error)")
            #expect(!repeated.error.contains("holds no file"), "\(paths): \(repeated.error)")
            #expect(Set(repeatedPaths) == ["share/Lists/clinic.csv", "share/letter.txt"], "\(paths)")
            #expect(repeatedPaths.count == 2, "\(paths)")
        }
        _ = try scan(["share", "--state", "share/state.sqlite"])
        let (again, _) = try scan(["share", "--state", "share/state.sqlite"])
        #expect(again.status == 0)
        let totals =
            try #require(
                JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("scan.json")))
                    as? [String: Any])["totals"] as? [String: Any]
        #expect(totals?["files"] as? Int == 2 && totals?["filesReused"] as? Int == 2, "\(String(describing: totals))")
        let missing = try VigilProcess.run(["scan", "share/4010232137", "--out", out.path, "-q"], in: scratch.url)
        #expect(missing.status == 66)
        #expect(
            missing.error.contains("share/401 *** **37") && !missing.error.contains("4010232137"), "\(missing.error)")
    }

    @Test(
        "exit codes are the documented ones",
        arguments: [
            (["--fail-on", "patient-list"], 1), (["--fail-on", "bulk-export"], 0), (["--jobs", "0"], 64),
            (["--strict"], 65), (["--format", "pdf"], 64),
        ] as [([String], Int32)])
    func exitCodes(arguments: [String], status: Int32) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = try Self.share(scratch)
        try scratch.write("share/broken.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 9, 9, 9]))
        let result = try VigilProcess.run(
            ["scan", share.path, "--out", scratch.url.appendingPathComponent("out").path, "-q"] + arguments)
        #expect(result.status == status, "\(arguments): \(result.error)")
    }

    @Test("an empty folder (a share not mounted) is warned about, and is an error with --strict")
    func emptyFolder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("mnt/clinical"), withIntermediateDirectories: true)
        let path = scratch.url.appendingPathComponent("mnt/clinical").path
        let plain = try VigilProcess.run(["scan", path, "--out", scratch.url.appendingPathComponent("o1").path, "-q"])
        #expect(plain.status == 0)
        #expect(plain.error.contains("holds no file: is the share mounted"))
        let strict = try VigilProcess.run([
            "scan", path, "--out", scratch.url.appendingPathComponent("o2").path, "-q", "--strict",
        ])
        #expect(strict.status == 65, "\(strict.error)")
    }

    @Test("a path that does not exist exits 66")
    func missing() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try VigilProcess.run([
            "scan", scratch.url.appendingPathComponent("nope").path, "--out",
            scratch.url.appendingPathComponent("o").path,
        ])
        #expect(result.status == 66 && result.error.contains("no such file or folder"))
    }
}
