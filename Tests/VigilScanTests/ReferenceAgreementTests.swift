import Foundation
import Testing
import VigilScan
import VigilSynth
import VigilTestSupport

/// Vigil's NHS number check against the PyPI `nhs-number` package's `is_valid` on one million random 10-digit strings.
/// Runs when `VIGIL_NHS_NUMBER_PYTHON` names a Python with the package installed (`.ci/run` sets it up).
@Suite("Agreement with the nhs-number package")
struct ReferenceAgreementTests {
    static let python = ProcessInfo.processInfo.environment["VIGIL_NHS_NUMBER_PYTHON"]

    @Test(
        "the same verdict on 1,000,000 random 10-digit strings",
        .enabled(if: python != nil, "set VIGIL_NHS_NUMBER_PYTHON to a Python with nhs-number installed"))
    func agreement() throws {
        let count = 1_000_000
        var random = SeededRandom(seed: 20_261_101)
        let values = (0..<count).map { _ in random.next() % 10_000_000_000 }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var text = ""
        text.reserveCapacity(count * 11)
        for value in values {
            let digits = String(value)
            text += String(repeating: "0", count: 10 - digits.count) + digits + "\n"
        }
        let input = try scratch.write("numbers.txt", text)
        let output = scratch.url.appendingPathComponent("verdicts.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [
            Fixtures.repository.appendingPathComponent("bench/peers/nhs_number_validity.py").path, input.path,
            output.path,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the nhs-number script failed")
        let verdicts = try String(contentsOf: output, encoding: .ascii).split(separator: "\n")
        try #require(verdicts.count == count)
        var disagreements: [String] = []
        var valid = 0
        for (value, verdict) in zip(values, verdicts) {
            let theirs = verdict == "1"
            if theirs { valid += 1 }
            if HealthNumber.isValid(value) != theirs, disagreements.count < 10 {
                disagreements.append("\(value): package says \(theirs), Vigil says \(!theirs)")
            }
        }
        print(
            "nhs-number agreement: \(count) strings, \(valid) valid by the package, \(disagreements.count) disagreements"
        )
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        // About one in eleven passes the check (fewer in the CHI range, where the date must be real).
        #expect((60_000...95_000).contains(valid))
    }
}
