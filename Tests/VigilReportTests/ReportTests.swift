import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilIO
import VigilSynth
import VigilTestSupport

@testable import VigilReport

/// Assessments shared by the report tests: a small practice (golden files) and a trust (schema, leaks).
enum ReportFixtures {
    static func assess(seed: UInt64, staff: Int, layout: EstateSpecification.Layout) async throws -> (
        Assessment, SyntheticBundles.Bundle
    ) {
        let bundle = try SyntheticBundles.make(
            seed: seed, staff: staff, layout: layout, shareFiles: layout == .practice ? 12 : 30, inventories: true)
        let assessment = try await AssessmentEngine().assess(
            directory: bundle.directory, options: .init(asOf: SyntheticBundles.asOf))
        return (assessment, bundle)
    }
}

@Suite("Report renderers")
struct ReportTests {
    @Test("assessment.json validates against the published schema and decodes back to the same document")
    func schema() async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 11, staff: 600, layout: .trust)
        defer { bundle.scratch.remove() }
        let data = try JSONReportRenderer.render(assessment)
        let validator = try JSONSchemaValidator(
            schema: Data(contentsOf: Fixtures.repository.appendingPathComponent("schemas/assessment.schema.json")))
        try validator.validate(data)
        let decoded = try JSONReportRenderer.decode(data)
        #expect(try JSONReportRenderer.render(decoded) == data)
        #expect(decoded.schemaVersion == Assessment.currentSchemaVersion)
    }

    @Test("the schema validator catches documents that break it")
    func schemaCatchesViolations() throws {
        let validator = try JSONSchemaValidator(
            schema: Data(contentsOf: Fixtures.repository.appendingPathComponent("schemas/assessment.schema.json")))
        let assessment = Assessment(
            organisation: .unnamed, assessedAt: SyntheticBundles.asOf, evidence: .init(files: [], unrecognised: []),
            coverage: [], metrics: [], headlines: [], findings: [])
        var object = try JSONSerialization.jsonObject(with: JSONReportRenderer.render(assessment)) as! [String: Any]
        try validator.validate(JSONSerialization.data(withJSONObject: object))
        object["schemaVersion"] = "0.9"
        object["extra"] = true
        #expect(throws: JSONSchemaValidator.ValidationFailure.self) {
            try validator.validate(JSONSerialization.data(withJSONObject: object))
        }
    }

    @Test("golden files: HTML, JSON, CSV and OCSF of a seeded practice", arguments: ReportFormat.allCases)
    func golden(format: ReportFormat) async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 7, staff: 24, layout: .practice)
        defer { bundle.scratch.remove() }
        let text: String =
            switch format {
            case .html: HTMLReportRenderer().render(assessment)
            case .json: String(decoding: try JSONReportRenderer.render(assessment), as: UTF8.self)
            case .csv: CSVReportRenderer.render(assessment)
            case .ocsf: OCSFReportRenderer.render(assessment)
            }
        let suffix =
            switch format {
            case .json: "assessment.json"
            case .ocsf: "ocsf.jsonl"
            default: format.rawValue
            }
        let outcome = try Golden.compare(text, with: "practice-seed7.\(suffix)")
        #expect(outcome == .matches)
    }

    @Test("no output ever contains a password hash from the evidence", arguments: ReportFormat.allCases)
    func noHashes(format: ReportFormat) async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 12, staff: 400, layout: .trust)
        defer { bundle.scratch.remove() }
        let dump = try String(
            contentsOf: bundle.directory.appendingPathComponent(EstateGenerator.FileName.hashes), encoding: .utf8)
        let hashes = Set(
            dump.split(separator: "\n").flatMap { line in
                line.split(separator: ":").filter { $0.count == 32 }.map { $0.lowercased() }
            })
        #expect(hashes.count > 400)
        let output = try ReportSet.write(
            assessment, formats: [format], to: bundle.scratch.url.appendingPathComponent("out"))
        let text = try String(contentsOf: output[0], encoding: .utf8).lowercased()
        // Any 32-hex-digit run in the output would be a candidate leak; check each against the dump.
        let runs = text.matches(of: /[0-9a-f]{32}/).map { String($0.output) }
        #expect(runs.filter { hashes.contains($0) } == [])
    }

    static let hostile = Assessment(
        organisation: Organisation(code: "X<1>", name: "St <Mary's> & \"Co\"", kind: .other),
        assessedAt: SyntheticBundles.asOf,
        evidence: .init(
            files: [], unrecognised: [.init(path: "<img src=x onerror=alert(1)>.txt", reason: "format not recognised")]),
        coverage: [],
        metrics: [],
        headlines: [],
        findings: [
            Finding(
                rule: .staleAccount, subject: Subject(kind: .account, id: "1", name: "<script>alert(1)</script>"),
                detail: "=HYPERLINK(\"http://evil\")", evidence: [.init(file: "a,b.ldif", line: 3)]),
            Finding(
                rule: .passwordNeverExpires, subject: Subject(kind: .account, id: "2", name: "+cmd|' /C calc'!A0"),
                detail: "line\nbreak", evidence: []),
        ]
    )

    /// The hostile assessment with 5,000 more findings of every control character and more, in several slices, and
    /// findings of plain text but for one character.
    static let bulk: Assessment = {
        var strange = ""
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) { strange.unicodeScalars.append(scalar) }
        strange += "é 中文 \u{2028}\u{2029} \u{1F600} \\ / \""
        var findings = hostile.findings
        for index in 0..<5_000 {
            findings.append(
                Finding(
                    rule: index % 2 == 0 ? .updateMissingExploited : .patientListBroadAccess,
                    subject: Subject(kind: .host, id: "h\(index)", name: strange),
                    detail: strange + String(index),
                    evidence: index % 3 == 0 ? [] : [.init(file: strange, line: index)],
                    related: index % 5 == 0 ? [Subject(kind: .group, id: strange, name: "g")] : [],
                    facts: index % 7 == 0 ? [:] : ["b": strange, "a": "1", "z\(strange)": ""],
                    proof: index % 4 == 0 ? [] : [strange, "step \(index)"]))
        }
        // Declared facts of every kind, in canonical form and not (written as strings), lists empty and of hostile text.
        let typed: [[String: String]] = [
            ["daysExposed": "3519", "vulnerabilities": "-2", "patients": "0", "ransomware": "true"],
            ["daysExposed": "0012", "vulnerabilities": "1e3", "patients": "", "ransomware": "known"],
            ["listed": "CVE-2017-0143,CVE-2017-0144", "readableBy": "", "named": "MS17-010: missing; \(strange)"],
            ["listed": ",,\(strange),", "identifiers": "nhs-number 41/41", "installBy": "2017-03-28"],
            ["ransomware": "false", "endOfSupport": "not a date", "accounts": "9223372036854775807"],
        ]
        for (index, facts) in typed.enumerated() {
            findings.append(
                Finding(
                    rule: .updateMissingExploited, subject: Subject(kind: .host, id: "typed\(index)", name: "t"),
                    detail: "typed", evidence: [], facts: facts, proof: index % 2 == 0 ? ["one"] : []))
        }
        // A character JSONEncoder might escape at every offset in and after the writer's eight-byte steps.
        for offset in 0..<20 {
            for special in ["\u{0}", "\u{1F}", "\"", "\\", "\u{7F}", " ", "/", "é", "\u{1F600}"] {
                let text = String(repeating: "x", count: offset) + special + "yz"
                findings.append(
                    Finding(
                        rule: .staleAccount, subject: Subject(kind: .account, id: text, name: text), detail: text,
                        evidence: [.init(file: text)], facts: [text: text]))
            }
        }
        var assessment = hostile
        assessment.findings = findings
        assessment.covered = coveredSets(strange: strange)
        return assessment
    }()

    /// Covered subjects of every shape the writer meets: hostile ids, an id at every offset around the escaper's
    /// eight-byte steps, an empty list, complete sets, and a list long enough to be handed over in several pieces.
    static func coveredSets(strange: String) -> [CoveredSubjects] {
        let offsets = (0..<20).flatMap { offset in
            ["\u{0}", "\"", "\\", "/", "é", "\u{1F600}"].map { String(repeating: "x", count: offset) + $0 }
        }
        let many = (0..<120_000).map { "S-1-5-21-3102072835-2521553608-1326143892-\($0)" }
        return [
            CoveredSubjects(area: .accounts, kind: .account, ids: many),
            CoveredSubjects(area: .credentials, kind: .account, ids: [strange, "plain", strange + "2"] + offsets),
            CoveredSubjects(area: .credentials, kind: .domain, complete: true, ids: []),
            CoveredSubjects(area: .access, kind: .resource, ids: []),
            CoveredSubjects(area: .updates, kind: .host, complete: true, ids: ["h1"]),
            // Sets for some rules only: several, one, none.
            CoveredSubjects(
                area: .updates, kind: .host, ids: ["h2"], rules: [.updateMissing, .unsupportedSystem, .updateOverdue]),
            CoveredSubjects(area: .updates, kind: .host, ids: ["h3"], rules: [.smbVersion1Enabled]),
            CoveredSubjects(area: .credentials, kind: .account, ids: [], rules: []),
        ]
    }

    @Test(
        "assessment.json's own finding and covered-subject writers give exactly the bytes JSONEncoder gives, on hostile text and in bulk"
    )
    func findingWriterMatchesEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let expected = try encoder.encode(Self.bulk) + Data([0x0A])
        let actual = try JSONReportRenderer.render(Self.bulk)
        #expect(actual == expected)
        var none = Self.hostile
        none.findings = []
        #expect(try JSONReportRenderer.render(none) == (try encoder.encode(none) + Data([0x0A])))
        // Covered subjects without findings, an empty list of them, and none at all (a document before schema 2.0).
        none.covered = Self.bulk.covered
        #expect(try JSONReportRenderer.render(none) == (try encoder.encode(none) + Data([0x0A])))
        for covered in [[], nil] as [[CoveredSubjects]?] {
            var document = Self.bulk
            document.covered = covered
            #expect(try JSONReportRenderer.render(document) == (try encoder.encode(document) + Data([0x0A])))
        }
        #expect(try JSONReportRenderer.decode(actual).covered == Self.bulk.covered)
        // Typed values read back as exactly the text they were made from.
        let decoded = try JSONReportRenderer.decode(actual)
        #expect(decoded.findings.map(\.facts) == Self.bulk.findings.map(\.facts))
        #expect(decoded.findings.map(\.proof) == Self.bulk.findings.map(\.proof))
    }

    @Test("facts are typed by their declared kind, only in canonical form; other text stays a string")
    func factValues() throws {
        #expect(FactValue(name: "daysExposed", text: "3519") == .integer(3519))
        #expect(FactValue(name: "daysExposed", text: "0012") == .text("0012"))
        #expect(FactValue(name: "daysExposed", text: "99999999999999999999") == .text("99999999999999999999"))
        #expect(FactValue(name: "ransomware", text: "true") == .boolean(true))
        #expect(FactValue(name: "ransomware", text: "yes") == .text("yes"))
        #expect(FactValue(name: "listed", text: "CVE-1,CVE-2") == .list(["CVE-1", "CVE-2"]))
        #expect(FactValue(name: "listed", text: "") == .list([]))
        #expect(FactValue(name: "installBy", text: "2017-03-28") == .text("2017-03-28"))
        #expect(FactValue(name: "undeclared", text: "12") == .text("12"))
        let data = try JSONReportRenderer.render(Self.bulk)
        let findings = try #require(
            (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["findings"] as? [[String: Any]])
        let typed = findings.compactMap { $0["facts"] as? [String: Any] }.filter { $0["daysExposed"] != nil }
        #expect(typed.count == 2)
        #expect(typed.contains { ($0["daysExposed"] as? NSNumber)?.intValue == 3519 })
        #expect(typed.contains { $0["daysExposed"] as? String == "0012" })
    }

    @Test("a schema 1.x finding, its facts all strings and its proof in proof1-proof3, still reads")
    func readsVersionOneFacts() throws {
        let finding = #"""
            {"area":"updates","controls":[],"detail":"d","evidence":[],"facts":{"daysExposed":"30","proof1":"CVE-1: p",
            "ransomware":"known"},"fingerprint":"00000000000000000000000000000000","related":[],"remediation":"r",
            "rule":"VGL-UPD-OVERDUE","severity":"high","subject":{"id":"h","kind":"host","name":"h"},"title":"t"}
            """#
        let decoded = try JSONDecoder().decode(Finding.self, from: Data(finding.utf8))
        #expect(decoded.facts == ["daysExposed": "30", "proof1": "CVE-1: p", "ransomware": "known"])
        #expect(decoded.proof == [])
    }

    @Test("docs/formats documents every findings.csv column in order and every declared fact")
    func formatDocs() throws {
        let docs = Fixtures.repository.appendingPathComponent("docs/formats")
        let csv = try String(contentsOf: docs.appendingPathComponent("findings-csv.md"), encoding: .utf8)
        let documented = csv.matches(of: /\n\| (\d+) \| `([a-z_]+)` \|/).map { (Int($0.output.1), String($0.output.2)) }
        #expect(documented.map(\.1) == CSVReportRenderer.columns)
        #expect(documented.map(\.0) == Array(1...CSVReportRenderer.columns.count).map(Optional.init))
        let json = try String(contentsOf: docs.appendingPathComponent("assessment-json.md"), encoding: .utf8)
        let factsTable = try #require(json.split(separator: "### Facts").last)
        for name in Finding.factKinds.keys {
            #expect(factsTable.contains("`\(name)`"), "docs/formats/assessment-json.md does not describe \(name)")
        }
        #expect(json.contains("| **\(Assessment.currentSchemaVersion)** |"))
    }

    @Test("the schema types every declared fact as the catalogue declares it, and declares no other")
    func schemaFactKinds() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Fixtures.repository.appendingPathComponent("schemas/assessment.schema.json")))
                as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let finding = try #require(definitions["finding"] as? [String: Any])
        let facts = try #require(
            ((finding["properties"] as? [String: Any])?["facts"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(facts.keys) == Set(Finding.factKinds.keys))
        for (name, kind) in Finding.factKinds {
            let declared = try #require(facts[name] as? [String: Any], "\(name) missing from the schema")
            switch kind {
            case .date: #expect(declared["$ref"] as? String == "#/$defs/day", "\(name)")
            default: #expect(declared["type"] as? String == kind.jsonType, "\(name)")
            }
        }
    }

    @Test("report files written piece by piece hold exactly the rendered bytes, and nothing else is left in the folder")
    func streamedFiles() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        #expect(Self.bulk.findings.count > 4 * JSONReportRenderer.sliceSize)
        let written = try ReportSet.write(Self.bulk, formats: [.json, .csv], to: scratch.url)
        #expect(try Data(contentsOf: written[0]) == (try JSONReportRenderer.render(Self.bulk)))
        #expect(try Data(contentsOf: written[1]) == Data(CSVReportRenderer.render(Self.bulk).utf8))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted() == [
                "assessment.json", "findings.csv",
            ])
    }

    @Test("a report file that fails while being written leaves the previous file, or none, and no partial one")
    func failedWrite() throws {
        struct Interrupted: Error {}
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let previous = try scratch.write("assessment.json", "previous\n")
        let fresh = scratch.url.appendingPathComponent("findings.csv")
        for url in [previous, fresh] {
            #expect(throws: Interrupted.self) {
                try AtomicFile.write(to: url) { output in
                    try output(Array(repeating: 0x41, count: 100_000))
                    throw Interrupted()
                }
            }
        }
        #expect(try String(contentsOf: previous, encoding: .utf8) == "previous\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["assessment.json"])
        #expect(throws: FileError.self) {
            try AtomicFile.write(to: scratch.url.appendingPathComponent("missing/report.html")) { _ in }
        }
    }

    @Test("accounts at most risk: at one severity, a finding that reaches the whole domain comes before more problems")
    func accountsByReach() throws {
        func account(_ name: String) -> Subject { Subject(kind: .account, id: name, name: "RIVERSIDE\\\(name)") }
        let findings = [
            // Two problems, both critical for this account alone.
            Finding(rule: .emptyPassword, subject: account("amy.hall"), detail: "", evidence: []),
            Finding(rule: .lmHashStored, subject: account("amy.hall"), detail: "", evidence: []),
            Finding(rule: .staleAccount, subject: account("amy.hall"), detail: "", evidence: []),
            // One problem, critical because a Domain Admin's password is shared: it reaches every account and host.
            Finding(
                rule: .sharedPassword, escalation: .privileged, subject: account("adm.chapman"), detail: "",
                evidence: []),
            Finding(rule: .staleAccount, subject: account("zoe.young"), detail: "", evidence: []),
        ]
        #expect(findings[3].severity == .critical && findings[3].reach == .domain)
        #expect(findings[0].severity == .critical && findings[0].reach == .subject)
        let assessment = Assessment(
            organisation: Organisation(code: "Y1", name: "Riverside", kind: .gpPractice),
            assessedAt: SyntheticBundles.asOf, evidence: .init(files: [], unrecognised: []), coverage: [],
            metrics: [], headlines: [], findings: findings)
        let html = HTMLReportRenderer().render(assessment)
        let section = try #require(html.firstRange(of: "<section id=\"accounts\">").map { html[$0.lowerBound...] })
        let rows = section.matches(of: /<tr><td>RIVERSIDE\\([a-z.]+)<\/td>/).map {
            String($0.output.1)
        }
        #expect(rows.prefix(3) == ["adm.chapman", "amy.hall", "zoe.young"])
    }

    @Test("HTML escapes everything taken from the evidence")
    func htmlEscaping() {
        let html = HTMLReportRenderer().render(Self.hostile)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("St &lt;Mary&#39;s&gt; &amp; &quot;Co&quot;"))
    }

    @Test("the HTML page is self-contained: no scripts, no external resources")
    func selfContained() async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 3, staff: 200, layout: .trust)
        defer { bundle.scratch.remove() }
        let html = HTMLReportRenderer().render(assessment)
        for forbidden in ["<script", "<link", "src=", "@import", "url(", "href=\"http", "href=\"//"] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        #expect(html.contains("<svg"))
        #expect(html.contains("@media print"))
    }

    @Test("a long rule table prints its first rows and says how many it leaves out and where they all are")
    func printedCutIsStated() async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 3, staff: 200, layout: .trust)
        defer { bundle.scratch.remove() }
        let renderer = HTMLReportRenderer()
        let html = renderer.render(assessment)
        let long = assessment.summary.rules.filter { $0.findings > renderer.openRows }
        #expect(!long.isEmpty)
        let notes = html.matches(of: /<p class="note print-only">Printed: the first (\d+) of ([\d,]+) [^<]*<\/p>/)
        let ruleNotes = notes.filter { $0.output.0.contains("(rule VGL-") }
        #expect(ruleNotes.count == long.count)
        for rule in long {
            let note = try #require(
                ruleNotes.first { $0.output.0.contains("(rule \(rule.rule.rawValue))") }, "\(rule.rule.rawValue)")
            #expect(Int(note.output.1) == renderer.openRows)
            #expect(note.output.2.replacing(",", with: "") == String(rule.findings))
            #expect(
                note.output.0.contains("The other \(Wording.number(rule.findings - renderer.openRows)) are not printed")
            )
        }
        // Print hides the collapsed rows and shows the note; the screen the reverse.
        #expect(html.contains(".print-only{display:none}"))
        #expect(html.contains("details.more,.appendix details{display:none}.print-only{display:block}"))
    }

    @Test("findings.csv's filter columns are each finding's own organisation, facts and remediation")
    func csvFilterColumns() async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 7, staff: 24, layout: .practice)
        defer { bundle.scratch.remove() }
        let rows = Self.parseCSV(CSVReportRenderer.render(assessment))
        let header = try #require(rows.first)
        let column = { (name: String) throws -> Int in try #require(header.firstIndex(of: name)) }
        let (organisation, os, kb, cve, days, remediation) = (
            try column("organisation"), try column("host_os"), try column("kb"), try column("cve"),
            try column("days_exposed"), try column("remediation")
        )
        #expect(rows.count - 1 == assessment.findings.count)
        for (row, finding) in zip(rows.dropFirst(), assessment.findings) {
            #expect(row.count == header.count)
            #expect(row[organisation] == assessment.organisation.code)
            #expect(row[os] == finding.facts["os"] ?? finding.facts["release"] ?? "")
            #expect(row[kb] == finding.facts["install"] ?? "")
            #expect(row[days] == finding.facts["daysExposed"] ?? "")
            // One documented format for a number column: plain decimal digits, no separator or unit.
            #expect(row[days].allSatisfy { $0.isASCII && $0.isNumber }, "days_exposed '\(row[days])'")
            #expect(row[remediation] == RuleCatalogue.rule(finding.rule).remediation)
            let listed = Set((finding.facts["listed"] ?? "").split(separator: ",").map(String.init))
            let cves = row[cve].isEmpty ? [] : row[cve].components(separatedBy: "; ")
            #expect(cves.allSatisfy { $0.hasPrefix("CVE-") && listed.contains($0) })
        }
        // The practice has missing updates, so the columns are exercised, not only empty.
        #expect(rows.dropFirst().contains { !$0[kb].isEmpty && !$0[cve].isEmpty && Int($0[days]) != nil })
    }

    /// RFC 4180 rows of `text` (quoted cells, doubled quotes, CRLF), enough to read back what the renderer wrote.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        cell.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell)
                cell = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(cell)
                rows.append(row)
                (row, cell) = ([], "")
            } else {
                cell.append(character)
            }
        }
        return rows
    }

    @Test("CSV quotes where needed and neutralises formulas")
    func csv() {
        let csv = CSVReportRenderer.render(Self.hostile)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == CSVReportRenderer.columns.joined(separator: ","))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""))
        #expect(csv.contains("'+cmd|' /C calc'!A0"))
        #expect(csv.contains("\"line\nbreak\""))
        #expect(csv.contains("a,b.ldif:3") && csv.contains("\"a,b.ldif:3\""))
    }

    @Test(
        "CSV cells written as bytes are the cells made as strings, quotes joined to other characters included",
        arguments: [
            "", "plain", "=1+2", "+cmd|' /C calc'!A0", "-", "@x", "\tx", "\rx", "a,b", "say \"hi\"", "\"", "\"\"",
            "line\nbreak", "crlf\r\n", "é,\"", "\"\u{301} joined", "\u{600}\" prepended", "=\"\u{301}", "中文 \"引\"",
            "\u{1F600}\",\u{1F600}",
        ])
    func csvCellBytes(value: String) {
        var bytes: [UInt8] = []
        CSVReportRenderer.appendCell(value, to: &bytes)
        #expect(bytes == Array(CSVReportRenderer.cell(value).utf8))
    }

    @Test("the terminal summary names the organisation, coverage and worst rules; colour only when asked")
    func terminal() async throws {
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 5, staff: 300, layout: .trust)
        defer { bundle.scratch.remove() }
        let plain = TerminalSummaryRenderer(colour: false).render(assessment)
        #expect(plain.contains("Test Trust (R9N)"))
        #expect(plain.contains("Security updates partly assessed"))
        #expect(plain.contains("Access to confidential data assessed"))
        #expect(plain.contains("VGL-UPD-MISSING-EXPLOITED"))
        #expect(!plain.contains("\u{1B}["))
        #expect(TerminalSummaryRenderer(colour: true).render(assessment).contains("\u{1B}[1;31m"))
        // The terminal lists rules in the order of the report's groups: the summary's.
        #expect(
            assessment.summary.rules.map { "\($0.rule) \($0.findings) \($0.bySeverity)" }
                == RuleGroup.groups(assessment).map { "\($0.rule.id) \($0.findings.count) \($0.counts)" })
    }

    @Test("the rule documentation in docs/rules.md is current")
    func rulesDocumentation() throws {
        let committed = try String(
            contentsOf: Fixtures.repository.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(
            committed == RuleCatalogueRenderer.markdown(),
            "docs/rules.md is stale: run `swift run vigil rules --format markdown > docs/rules.md`")
    }
}
