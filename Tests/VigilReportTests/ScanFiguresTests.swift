import Testing
import VigilReport

/// Sizes and rates as the scan's pages and terminal write them.
@Suite("scan figures")
struct ScanFiguresTests {
    @Test("a rate is written as sizes are, and never traps whatever the division gave")
    func rates() {
        #expect(ScanReportRenderer.rateText(1_007_616) == "984 KiB/s")
        #expect(ScanReportRenderer.rateText(3 * 1_048_576) == "3 MiB/s")
        #expect(ScanReportRenderer.rateText(0) == "0 B/s")
        #expect(ScanReportRenderer.rateText(-5) == "0 B/s")
        #expect(ScanReportRenderer.rateText(.infinity) == "0 B/s")
        #expect(ScanReportRenderer.rateText(.nan) == "0 B/s")
        #expect(ScanReportRenderer.rateText(1e300).hasSuffix("/s"))
    }
}
