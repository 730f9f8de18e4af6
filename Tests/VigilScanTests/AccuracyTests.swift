import Foundation
import Synchronization
import Testing
import VigilCore
import VigilScan
import VigilSynth
import VigilTestSupport

/// Precision and recall on a generated, labelled share: patient data in the layouts it really takes (clinic lists,
/// bulk exports, ward workbooks, letters and discharge documents, API logs, JSON and XML exports, Scottish and
/// Northern Irish lists, test data) and decoys (invoices, orders, account numbers, phone directories with mobile
/// numbers as spreadsheets mangle them, minutes), half of whose 10-digit numbers pass the NHS check on purpose.
@Suite("Accuracy on a labelled share", .serialized)
struct AccuracyTests {
    struct Key: Hashable, Comparable {
        var file: String
        var kind: PatientIdentifierKind
        var location: ContentLocation
        var test: Bool

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.file, lhs.kind, lhs.location) < (rhs.file, rhs.kind, rhs.location)
        }
    }

    struct Score {
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    /// Generates a share, scans it, and scores detections against labels (as multisets of file, kind and location).
    static func measure(seed: UInt64, files: Int) async throws -> (
        [PatientIdentifierKind: Score], ScanResult, ShareCorpusSummary, [(Key, Int)]
    ) {
        let scratch = try ScratchDirectory("vigil-share")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("share")
        var labels: [Key: Int] = [:]
        let summary = try ShareCorpusGenerator(seed: seed, asOf: SyntheticBundles.asOf).write(
            to: root, targetBytes: .max, maxFiles: files
        ) { label in
            labels[
                Key(file: label.file, kind: label.kind, location: label.location, test: label.isTestData), default: 0] +=
                1
        }
        let found = Mutex<[Key: Int]>([:])
        let result = try await FileShareScanner(
            options: ScanOptions(roots: [ScanRoot(path: root.path, display: "")], jobs: 2, currentYear: 2026)
        ).run(recorder: { file, detection in
            let location = detection.position.location(sheets: ["Patients", "Summary"])
            let key = Key(file: file, kind: detection.kind, location: location, test: detection.isTestData)
            found.withLock { $0[key, default: 0] += 1 }
        })
        let detected = found.withLock { $0 }
        var scores: [PatientIdentifierKind: Score] = [:]
        var errors: [(Key, Int)] = []
        for key in Set(labels.keys).union(detected.keys) {
            let expected = labels[key, default: 0]
            let actual = detected[key, default: 0]
            scores[key.kind, default: Score()].truePositives += min(expected, actual)
            if actual > expected {
                scores[key.kind, default: Score()].falsePositives += actual - expected
                errors.append((key, actual - expected))
            }
            if expected > actual {
                scores[key.kind, default: Score()].falseNegatives += expected - actual
                errors.append((key, actual - expected))
            }
        }
        return (scores, result, summary, errors.sorted { $0.0 < $1.0 })
    }

    @Test("precision and recall of at least 0.99 for every kind of identifier")
    func precisionAndRecall() async throws {
        let (scores, result, summary, errors) = try await Self.measure(seed: 42, files: 600)
        for (key, delta) in errors.prefix(40) {
            print(
                "  \(delta > 0 ? "false positive" : "missed") \(key.kind.rawValue) \(key.file) \(key.location)\(key.test ? " (test)" : "")"
            )
        }
        var all = Score()
        for kind in PatientIdentifierKind.allCases {
            let score = scores[kind, default: Score()]
            all.truePositives += score.truePositives
            all.falsePositives += score.falsePositives
            all.falseNegatives += score.falseNegatives
            print(
                "accuracy \(kind.rawValue): precision \(String(format: "%.4f", score.precision)) recall \(String(format: "%.4f", score.recall)) (\(score.truePositives) found, \(score.falsePositives) false, \(score.falseNegatives) missed)"
            )
            #expect(score.truePositives > 0, "\(kind): nothing of this kind in the corpus")
            #expect(score.precision >= 0.99, "\(kind) precision")
            #expect(score.recall >= 0.99, "\(kind) recall")
        }
        print(
            "accuracy overall: precision \(String(format: "%.4f", all.precision)) recall \(String(format: "%.4f", all.recall)) over \(summary.files) files, \(summary.bytes) bytes"
        )
        #expect(result.totals.filesFailed == 0)
    }

    @Test("each file is classified as it was written: single identifier, patient list, bulk export or test data")
    func classification() async throws {
        let (_, result, summary, _) = try await Self.measure(seed: 7, files: 300)
        let found = Dictionary(uniqueKeysWithValues: result.exposures.map { ($0.path, $0.classification) })
        var wrong: [String] = []
        for (file, expected) in summary.expected where found[file] != expected {
            wrong.append("\(file): expected \(expected.rawValue), found \(found[file]?.rawValue ?? "nothing")")
        }
        for (file, classification) in found where summary.expected[file] == nil {
            wrong.append("\(file): expected nothing, found \(classification.rawValue)")
        }
        #expect(wrong.isEmpty, "\(wrong.sorted().prefix(20).joined(separator: "\n"))")
        #expect(summary.expected.values.contains(.bulkExport))
        #expect(summary.expected.values.contains(.testData))
    }
}
