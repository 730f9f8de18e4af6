import VigilCore
import VigilIO

extension SegmentedFile {
    /// Runs `work` on every segment concurrently, returning results in order.
    func map<Result: Sendable>(_ work: @Sendable (Int, Range<Int>) throws -> Result) throws -> [Result] {
        let segments = self.segments
        return try parallelMap(segments.count) { try work($0, segments[$0]) }
    }
}
