import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// `assessment.json` as a user gets it from `vigil assess`: read back as plain JSON, not through Vigil's own decoder, so
/// that a typing mistake in the writer cannot be hidden by the reader that shares it.
@Suite("assessment.json from vigil assess", .serialized)
struct AssessmentDocumentCLITests {
    /// The JSON type of `value` as `JSONSerialization` read it. Booleans and numbers are both `NSNumber` on Linux;
    /// a boolean's storage type is `c` (char), a fraction's `d`, a whole number's an integer type.
    static func jsonType(_ value: Any) -> String {
        switch value {
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        case is NSNull: return "null"
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c": return "boolean"
            case "d", "f": return "number"
            default: return "integer"
            }
        default: return "unknown"
        }
    }

    @Test("JSON types are told apart: true is a boolean, 1 an integer, 1.5 a number")
    func typesToldApart() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(#"{"a":true,"b":1,"c":1.5,"d":"1","e":false,"f":0}"#.utf8))
                as? [String: Any])
        #expect(Self.jsonType(object["a"]!) == "boolean")
        #expect(Self.jsonType(object["e"]!) == "boolean")
        #expect(Self.jsonType(object["b"]!) == "integer")
        #expect(Self.jsonType(object["f"]!) == "integer")
        #expect(Self.jsonType(object["c"]!) == "number")
        #expect(Self.jsonType(object["d"]!) == "string")
    }

    @Test("every fact has its declared JSON type; update findings carry their proof as a non-empty list")
    func typedFactsAndProof() throws {
        let bundle = try SyntheticBundles.make(seed: 11, staff: 600, layout: .trust, shareFiles: 30, inventories: true)
        defer { bundle.scratch.remove() }
        let out = bundle.scratch.url.appendingPathComponent("out")
        let result = try VigilProcess.run([
            "assess", bundle.directory.path, "--out", out.path, "--as-of", "2026-11-01", "--breach-index",
            bundle.breachIndex.path, "-q",
        ])
        #expect([0, 1].contains(result.status), "\(result.error)")
        let data = try Data(contentsOf: out.appendingPathComponent("assessment.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["schemaVersion"] as? String == Assessment.currentSchemaVersion)
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.count > 100)
        var seen: [String: Int] = [:]
        var undeclared: Set<String> = []
        for finding in findings {
            let rule = finding["rule"] as? String ?? "?"
            let facts = try #require(finding["facts"] as? [String: Any], "\(rule) has no facts object")
            for (name, value) in facts {
                guard let kind = Finding.factKinds[name] else {
                    undeclared.insert(name)
                    continue
                }
                seen[name, default: 0] += 1
                let type = Self.jsonType(value)
                #expect(type == kind.jsonType, "\(rule) fact \(name) is \(type), declared \(kind)")
                switch kind {
                case .date:
                    let text = value as? String ?? ""
                    #expect(CivilDate.parse(text) != nil, "\(rule) fact \(name) is not a YYYY-MM-DD day")
                case .list:
                    let elements = value as? [Any] ?? []
                    #expect(!elements.isEmpty && elements.allSatisfy { $0 is String }, "\(rule) fact \(name)")
                case .integer, .boolean, .text:
                    break
                }
            }
            let proof = try #require(finding["proof"] as? [Any], "\(rule) has no proof list")
            #expect(proof.allSatisfy { ($0 as? String)?.isEmpty == false })
            if ["VGL-UPD-MISSING-EXPLOITED", "VGL-UPD-OVERDUE", "VGL-UPD-MISSING"].contains(rule) {
                // One step per advisory, for the first three listed, each naming its advisory.
                let listed = (facts["listed"] as? [String]) ?? []
                #expect(!proof.isEmpty && proof.count == min(3, listed.count), "\(rule) proof \(proof.count)")
                for (step, advisory) in zip(proof.compactMap { $0 as? String }, listed) {
                    #expect(step.hasPrefix(advisory + ": "))
                }
            } else {
                #expect(proof.isEmpty, "\(rule) has proof it does not produce")
            }
            #expect(!facts.keys.contains { $0.hasPrefix("proof") }, "\(rule) still has proofN facts")
        }
        #expect(undeclared.isEmpty, "facts with no declared kind: \(undeclared.sorted())")
        // The trust exercises every kind: numbers, days, booleans and lists.
        for name in [
            "daysExposed", "daysSinceLogon", "patients", "installBy", "endOfSupport", "ransomware", "listed",
            "readableBy",
        ] {
            #expect(seen[name, default: 0] > 0, "no finding of the trust has \(name)")
        }
    }
}
