import Foundation
import Testing
import VigilIO

@Suite("Headed CSV reader")
struct HeadedCSVReaderTests {
    /// Everything the reader reported, as text, in order.
    static func events(_ text: String, maxLineLength: Int = 1 << 20) throws -> [String] {
        let url = FileManager.default.temporaryDirectory.appending(path: "headed-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var seen: [String] = []
        try HeadedCSVReader.read(
            path: url.path, maxLineLength: maxLineLength,
            recognise: { line -> (header: [String], delimiter: UInt8)? in
                let delimiter: UInt8 = line.contains(UInt8(ascii: ";")) ? UInt8(ascii: ";") : UInt8(ascii: ",")
                let names = CSVRecordReader.strings(ofLine: line, dialect: CSVDialect(delimiter: delimiter))
                return names.first == "user" ? (names, delimiter) : nil
            },
            handle: { event in
                switch event {
                case .record(let header, let fields, let line):
                    seen.append("\(line): \(zip(header, fields).map { "\($0)=\($1)" }.joined(separator: " "))")
                case .lineTooLong(let line): seen.append("\(line): line too long")
                case .noHeader(let line): seen.append("\(line): no header")
                case .recordTooLong(let line): seen.append("\(line): record too long")
                case .unterminated(let line): seen.append("\(line): unterminated")
                }
            })
        return seen
    }

    @Test("the header is the first line that is not blank or PowerShell's #TYPE line; blank rows are skipped")
    func header() throws {
        let text =
            "\n#TYPE Selected.Microsoft.ActiveDirectory\nuser;role\r\nalice;Nurse\n ; \u{A0}\t\n\"bob\";\"Clerk; Ward 3\"\n"
        #expect(try Self.events(text) == ["4: user=alice role=Nurse", "6: user=bob role=Clerk; Ward 3"])
    }

    @Test("a record spanning lines is reported at the line it starts on; one never closed is reported at the end")
    func multiline() throws {
        let text = "user,role\n\"carol\",\"Nurse\nWard 2\"\ndave,Clerk\n\"erin,open\n"
        let events = try Self.events(text)
        #expect(
            events == [
                "2: user=carol role=Nurse\nWard 2", "4: user=dave role=Clerk", "5: unterminated",
            ])
    }

    @Test("a file whose header is not recognised is reported once, at that line, and nothing more is read")
    func noHeader() throws {
        #expect(try Self.events("\nname,role\nalice,Nurse\nbob,Clerk\n") == ["2: no header"])
    }

    @Test("overlong lines are reported by line and the rest of the file is still read")
    func overlong() throws {
        let long = String(repeating: "x", count: 5 << 19)  // 2.5 MiB: past the 1 MiB limit by more than a chunk
        let events = try Self.events("user,role\n\(long),Nurse\nalice,Clerk\n")
        #expect(
            events == [
                "2: line too long", "3: user=alice role=Clerk",
            ])
    }

    @Test("a missing file is a FileError naming it")
    func missing() {
        let error = #expect(throws: FileError.self) {
            try HeadedCSVReader.read(
                path: "/nonexistent/roles.csv", recognise: { _ in ((), 0x2C) },
                handle: { (_: HeadedCSVReader.Event<Void>) in })
        }
        #expect(error?.path == "/nonexistent/roles.csv")
    }
}
