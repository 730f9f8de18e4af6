import Synchronization
import Testing
import VigilCore
import VigilScan

/// Runs the detector over text and collects what it accepted.
enum Detect {
    static let detector = IdentifierDetector(currentYear: 2026)

    static func text(_ text: String) -> [Detection] {
        let found = Mutex<[Detection]>([])
        var tally = FileTally(recorder: { detection in found.withLock { $0.append(detection) } })
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            _ = detector.scanText(buffer.baseAddress!, start: 0, end: buffer.count, firstLine: 1, tally: &tally)
        }
        tally.finish()
        return found.withLock { $0 }.sorted { $0.position < $1.position }
    }

    static func kinds(_ text: String) -> [PatientIdentifierKind] { self.text(text).map(\.kind) }
}

@Suite("Identifier detection in text")
struct DetectorTests {
    @Test(
        "NHS numbers as printed, with a label",
        arguments: [
            "NHS No: 401 023 2137", "NHS Number: 4010232137", "nhs_number=401-023-2137",
            "\"nhsNumber\": \"4010232137\"",
            "<NHSNumber>4010232137</NHSNumber>", "Patient 401 023 2137 seen today", "GET /patients/4010232137/record",
        ])
    func labelled(text: String) {
        let found = Detect.text(text)
        #expect(found.map(\.kind) == [.nhsNumber], "\(text)")
        #expect(found.first?.value == 401_023_2137)
    }

    @Test("an unlabelled number printed 401 023 2137 counts; a bare one alone does not")
    func unlabelled() {
        #expect(Detect.kinds("Re: Mrs Jane Smith, 401 023 2137") == [.nhsNumber])
        #expect(Detect.kinds("id=4010232137 status=200") == [])
    }

    @Test(
        "decoys: numbers that pass the check but are something else",
        arguments: [
            "Tel: 401 023 2137", "Order 4010232137 dispatched", "Invoice no. 4010232137", "ORD-4010232137",
            "+44 401 023 2137", "ref: 4010232137", "Account 4010232137", "4010232137.50", "INV/4010232137",
            "4010232137/2", "call 401-023-2137",
        ])
    func decoys(text: String) {
        #expect(Detect.kinds(text) == [], "\(text)")
    }

    /// An XML export whose records carry a message id beside the NHS number: half the ids pass the NHS check, as many
    /// machine-made numbers do, and the rest of the file's valid numbers would otherwise carry them over the stream's
    /// threshold.
    @Test(
        "a message, correlation or request id beside an NHS number is not one",
        arguments: ["MessageId", "message_id", "MsgID", "CorrelationId", "requestId", "BatchNumber"])
    func machineIdentifiers(element: String) {
        let patients: [UInt64] = [
            787_789_3280, 792_174_2181, 793_834_7019, 746_814_5385, 401_916_1461, 619_345_1455, 728_378_3261,
            616_630_4943, 679_160_1108, 714_521_1785,
        ]
        // Enough for the stream's share of valid numbers to count (eight), all of them valid.
        let decoys: [UInt64] = [
            491_703_1796, 740_542_9386, 633_639_5324, 751_049_0499, 432_017_1853, 791_378_8488, 428_849_7361,
            455_397_1798, 689_283_8383, 601_395_5182,
        ]
        let records = zip(patients, decoys).map { patient, decoy in
            "<PatientRecord><NHSNumber>\(patient)</NHSNumber><Postcode>LS1 4AP</Postcode><\(element)>\(decoy)</\(element)></PatientRecord>"
        }
        let found = Detect.text(records.joined(separator: "\n")).filter { $0.kind == .nhsNumber }
        #expect(found.map(\.value) == patients, "\(element)")
    }

    @Test(
        "a surname or clinical words that begin like a machine id's word do not hide an NHS number; the nearest word wins",
        arguments: [
            "Batchelor J 401 023 2137", "BATCHELDER, Ann 401 023 2137", "clinical correlation advised 401 023 2137",
            "Batch 7 NHS No 401 023 2137", "MessageId 77 for NHS Number 4010232137",
        ])
    func notMachineWords(text: String) {
        #expect(Detect.text(text).filter { $0.kind == .nhsNumber }.map(\.value) == [401_023_2137], "\(text)")
    }

    @Test("checksum failures and unissued ranges are never counted")
    func invalid() {
        #expect(Detect.kinds("NHS No: 401 023 2138") == [])
        #expect(Detect.kinds("NHS No: 500 000 0004") == [])  // 5xx is never issued
    }

    @Test("CHI and H&C numbers by range; test numbers flagged")
    func ranges() {
        #expect(Detect.kinds("CHI: 0610745611") == [.chiNumber])
        #expect(Detect.kinds("CHI: 0610745612") == [])
        #expect(Detect.kinds("H&C number 325 717 3121") == [.healthAndCareNumber])
        let test = Detect.text("NHS number 999 000 0018")
        #expect(test.map(\.kind) == [.nhsNumber])
        #expect(test.allSatisfy { $0.isTestData })
        #expect(Detect.kinds("NHS number 943 476 5919") == [])  // 9xx outside the test range is never issued
    }

    @Test("a date of birth counts with its label and a name beside it")
    func datesOfBirth() {
        #expect(Detect.kinds("Name: Jane Smith  DOB: 12/03/1956") == [.dateOfBirth])
        #expect(Detect.kinds("Mrs Jane Smith, date of birth 12 March 1956") == [.dateOfBirth])
        #expect(Detect.kinds("DOB: 12/03/1956") == [])  // no name
        #expect(Detect.kinds("Mrs Jane Smith, appointment 12/03/2025") == [])
        #expect(Detect.kinds("Mr A Patel 2025-03-01T12:00:00Z DOB") == [])
    }

    @Test("postcodes by shape and area")
    func postcodes() {
        #expect(Detect.kinds("1 Park Row, Leeds LS1 5HD") == [.postcode])
        #expect(Detect.kinds("SW1A 2AA") == [.postcode])
        #expect(Detect.kinds("EC1A1BB") == [.postcode])
        #expect(Detect.kinds("QQ1 5HD XLS1 5HD LS1 5CD") == [])
    }

    @Test("hospital numbers only with a label")
    func hospitalNumbers() {
        #expect(Detect.kinds("MRN: K1234567") == [.hospitalNumber])
        #expect(Detect.kinds("Hospital No. 00123456") == [.hospitalNumber])
        #expect(Detect.kinds("batch K1234567 printed") == [])
    }
}
