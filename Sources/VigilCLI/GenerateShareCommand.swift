import ArgumentParser
import Foundation
import VigilCore
import VigilSynth

/// `vigil generate-share`: write a synthetic file share with labelled patient identifiers and decoys.
struct GenerateShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-share",
        abstract:
            "Write a synthetic file share holding patient identifiers and decoys, for trying and benchmarking vigil scan.",
        discussion: """
            Writes clinic lists, bulk exports, ward workbooks (.xlsx), letters (.txt, .docx), API logs, JSON and XML \
            exports, Scottish and Northern Irish lists, test data, and decoys (invoices, orders, phone directories, \
            minutes) whose 10-digit numbers pass the NHS number check half the time, until --size is reached. \
            Synthetic data only. With --labels, writes one JSON line per identifier written (file, kind, location; \
            never the value), for measuring precision and recall.

            --out must be empty, missing, or a folder an earlier `vigil generate-share` wrote (it leaves a \
            .vigil-generate-share marker): a rerun replaces what the last one wrote and never touches other files there.
            """
    )

    enum Scale: String, ExpressibleByArgument, CaseIterable {
        case small, large
    }

    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write the share into.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Bytes to write, with an optional k, m or g suffix (1g = 1 GiB).", valueName: "size"))
    var size: String = "20m"

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "File sizes: small (tens of rows) or large (as big as real shares hold).")
    var scale: Scale = .large

    @Option(
        help: ArgumentHelp(
            "Only these layouts, comma-separated (\(ShareLayout.allCases.map(\.rawValue).joined(separator: ", "))).",
            valueName: "list"))
    var layouts: String?

    @Option(help: ArgumentHelp("Write the labels (JSON lines) to this file.", valueName: "file"))
    var labels: String?

    @OptionGroup var asOf: AsOfOption

    func validate() throws {
        guard Self.bytes(size) != nil else {
            throw ValidationError("--size expects a number of bytes such as 500m or 1g (at most 1048576g)")
        }
        if let layouts {
            for name in layouts.split(separator: ",") where ShareLayout(rawValue: String(name)) == nil {
                throw ValidationError("unknown layout '\(name)'")
            }
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let target = Self.bytes(size)!
        let chosen = layouts.map { $0.split(separator: ",").compactMap { ShareLayout(rawValue: String($0)) } }
        let generator = ShareCorpusGenerator(
            seed: seed, asOf: try asOf.date(), scale: scale == .small ? .small : .large, layouts: chosen)
        do {
            try CommandFolder.generateShare.prepare(URL(fileURLWithPath: out))
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        var labelOutput: FileHandle?
        if let labels {
            guard FileManager.default.createFile(atPath: labels, contents: nil),
                let handle = FileHandle(forWritingAtPath: labels)
            else {
                Terminal.error("vigil: cannot create \(labels)")
                throw VigilExit.cannotCreate
            }
            labelOutput = handle
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var pending = Data()
        let progress = ProgressLine()
        let summary: ShareCorpusSummary
        do {
            summary = try generator.write(
                to: URL(fileURLWithPath: out), targetBytes: target,
                label: { label in
                    guard labelOutput != nil, let line = try? encoder.encode(label) else { return }
                    pending.append(line)
                    pending.append(0x0A)
                    if pending.count > 1 << 20 {
                        labelOutput?.write(pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                },
                progress: { bytes in
                    progress.show("Writing \(Wording.number(bytes >> 20)) of \(Wording.number(target >> 20)) MiB")
                })
        } catch {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        labelOutput?.write(pending)
        try? labelOutput?.close()
        progress.clear()
        let elapsed = ContinuousClock.now - started
        print(
            "Wrote \(Wording.count(summary.files, "file")) (\(Wording.number(summary.bytes >> 20)) MiB) into \(out) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))): \(Wording.count(summary.expected.values.filter { $0 == .patientList || $0 == .bulkExport }.count, "patient list")), \(Wording.count(summary.expected.values.filter { $0 == .singleIdentifier }.count, "single-patient file"))."
        )
    }

    /// The bytes `text` asks for (`500m`, `1.5g`, `4096`), or `nil` for anything else, a negative size or one past
    /// a petabyte.
    static func bytes(_ text: String) -> Int? {
        let lower = text.lowercased()
        let multipliers: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        var number = Substring(lower)
        var multiplier = 1
        if let last = lower.last, let scale = multipliers[last] {
            number = number.dropLast()
            multiplier = scale
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let bytes = (value * Double(multiplier)).rounded(.down)
        guard bytes <= Double(1 << 50) else { return nil }
        return Int(exactly: bytes)
    }
}
