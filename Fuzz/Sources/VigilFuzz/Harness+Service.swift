import Foundation

@testable import VigilSubmission

extension Harness {
    /// What the national service reads from any holder of a token: a submission body. `Submission.decode` runs the
    /// byte-level reader, `JSONDecoder` for what it declines, the validation and the ordering; the digest is taken of
    /// whatever passes. Whatever the byte-level reader accepts, `JSONDecoder` must read to the same value: a
    /// disagreement stops the run like a crash.
    nonisolated(unsafe) static let service: [Harness] = [
        Harness(name: "submission") { bytes in
            let data = Data(bytes)
            if let direct = Submission.decodeDirectly(data) {
                guard let decoded = try? Submission.decodedByFoundation(data), decoded == direct else {
                    fatalError("the byte-level reader and JSONDecoder read this document differently")
                }
            }
            guard let submission = try? Submission.decode(data) else { return }
            _ = try? submission.digest()
        }
    ]
}
