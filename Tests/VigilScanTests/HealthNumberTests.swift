import Testing
import VigilScan

@Suite("Health numbers")
struct HealthNumberTests {
    @Test("the Modulus 11 check of the NHS Data Dictionary's worked example and known test numbers")
    func checksum() {
        #expect(HealthNumber.checksumIsValid(943_476_5919))
        #expect(!HealthNumber.checksumIsValid(943_476_5918))
        #expect(HealthNumber.expectedCheckDigit(943_476_5910) == 9)
    }
}
