import Testing
import VigilIO

/// Collects what a ``CSVTokenizer`` tells into records of strings, counting stray bytes after closing quotes.
private struct Collector: CSVTokenVisitor {
    var records: [[String]] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var strays = 0

    mutating func content(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        #expect(from < to, "runs are never empty")
        field.append(contentsOf: buffer[from..<to])
    }
    mutating func lineBreakInQuotedField() { field.append(0x0A) }
    mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field = []
    }
    mutating func endRecord() {
        records.append(fields)
        fields = []
    }
    mutating func strayAfterClosingQuote() { strays += 1 }
}

/// The records of `text` fed in the given pieces, and whether the input ended outside a quoted field.
private func tokenize(
    _ pieces: [[UInt8]], dialect: CSVDialect = CSVDialect()
) -> (records: [[String]], strays: Int, closed: Bool) {
    var tokenizer = CSVTokenizer(dialect: dialect)
    var collector = Collector()
    for piece in pieces { piece.withUnsafeBufferPointer { tokenizer.feed($0, into: &collector) } }
    let closed = tokenizer.finish(into: &collector)
    return (collector.records, collector.strays, closed)
}

private func tokenize(_ text: String, dialect: CSVDialect = CSVDialect()) -> [[String]] {
    tokenize([Array(text.utf8)], dialect: dialect).records
}

/// Inputs that exercise every state: quotes at field starts and ends, doubled quotes, line ends inside quotes, CRLF,
/// a lone CR, empty fields and lines, a last line without a line end, stray bytes after a closing quote.
private let awkward: [String] = [
    "a,b,c\n1,2,3\n",
    "name,note\r\n\"Smith, J\",\"said \"\"hello\"\"\"\r\n",
    "\"multi\r\nline\nfield\",x\r\n\"\",\"\"\"\"\n",
    ",,\n\n\"\"\n",
    "no line end,\"quoted\"",
    "lone\rcr,\"in\rquotes\"\r\r\n",
    "\"closed\"stray,next\n\"a\"\"\"tail\r\n",
    "ab\"c,d\"e,\"f\"g\"h\"\n",
    "tab\tseparated\t\"q\tq\"\n",
    "\"ends with quote\"\"\"",
    "\r\n\r",
]

@Suite("CSV tokenizer")
struct CSVTokenizerTests {
    @Test(
        "RFC 4180 records",
        arguments: [
            ("a,b,c\n1,2,3\n", [["a", "b", "c"], ["1", "2", "3"]]),
            ("a,b\r\nc,d", [["a", "b"], ["c", "d"]]),
            ("\"a,b\",\"c\"\"d\"\n", [["a,b", "c\"d"]]),
            ("\"line\none\",\"crlf\r\ntwo\"\r\n", [["line\none", "crlf\ntwo"]]),
            (",\n\n", [["", ""], [""]]),
            ("a\"b,c\n", [["a\"b", "c"]]),
            ("\"\"\"\"\n", [["\""]]),
        ])
    func rfc4180(text: String, expected: [[String]]) {
        #expect(tokenize(text) == expected)
    }

    @Test("A quote opens quoting only at a field's start under RFC 4180; stray bytes after a closing quote are told")
    func fieldStartQuoting() {
        let result = tokenize([Array("\"a\"x,b\n\"c\" ,\"d\"\n".utf8)])
        #expect(result.records == [["a", "b"], ["c", "d"]])
        #expect(result.strays == 2)
    }

    @Test("Lenient quoting opens and closes quotes anywhere, as spreadsheet exports need")
    func anywhereQuoting() {
        let lenient = CSVDialect(quoting: .anywhere)
        #expect(tokenize("ab\"c,d\"e,f\n", dialect: lenient) == [["abc,de", "f"]])
        #expect(tokenize("\"a\"x,\"b\"\"c\"\n", dialect: lenient) == [["ax", "b\"c"]])
        #expect(tokenize([Array("\"a\"x\n".utf8)], dialect: lenient).strays == 0)
    }

    @Test("Another delimiter (TSV, semicolons)")
    func delimiters() {
        #expect(tokenize("a\tb,c\t\"d\te\"\n", dialect: CSVDialect(delimiter: 0x09)) == [["a", "b,c", "d\te"]])
        #expect(tokenize("a;b,c\n", dialect: CSVDialect(delimiter: UInt8(ascii: ";"))) == [["a", "b,c"]])
    }

    @Test("An input ending inside a quoted field says so and delivers no half record")
    func unterminated() {
        let result = tokenize([Array("a,b\n\"open,\nstill open".utf8)])
        #expect(result.records == [["a", "b"]])
        #expect(!result.closed)
    }

    @Test("Every split point of the input gives the same records", arguments: awkward.indices)
    func everySplitPoint(index: Int) {
        let bytes = Array(awkward[index].utf8)
        for dialect in [CSVDialect(), CSVDialect(quoting: .anywhere), CSVDialect(delimiter: 0x09)] {
            let whole = tokenize([bytes], dialect: dialect)
            for split in 0...bytes.count {
                let pieces = tokenize([Array(bytes[..<split]), Array(bytes[split...])], dialect: dialect)
                #expect(pieces.records == whole.records, "split at \(split) of input \(index)")
                #expect(pieces.strays == whole.strays && pieces.closed == whole.closed, "split at \(split)")
            }
            let byteByByte = tokenize(bytes.map { [$0] }, dialect: dialect)
            #expect(byteByByte.records == whole.records && byteByByte.strays == whole.strays)
        }
    }

    @Test("Lines fed one by one (line ends removed) give the records of the whole stream", arguments: awkward.indices)
    func lineFed(index: Int) {
        let text = awkward[index]
        let whole = tokenize([Array(text.utf8)])
        var tokenizer = CSVTokenizer()
        var collector = Collector()
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        // A line reader reports no empty last line after a final line end.
        if text.utf8.last == 0x0A { lines.removeLast() }
        for var line in lines {
            if line.last == 0x0D { line.removeLast() }
            line.withUnsafeBufferPointer { tokenizer.feed($0, into: &collector) }
            tokenizer.endLine(into: &collector)
        }
        #expect(tokenizer.finish(into: &collector) == whole.closed)
        if whole.closed { #expect(collector.records == whole.records) }
    }
}

@Suite("CSV record reader")
struct CSVRecordReaderTests {
    private func add(_ lines: [String], to reader: inout CSVRecordReader) -> [(CSVRecordReader.Outcome, [String])] {
        lines.enumerated().map { number, line in
            let outcome = Array(line.utf8).withUnsafeBufferPointer { reader.add($0, line: number + 1) }
            if case .record = outcome { return (outcome, reader.fields()) }
            return (outcome, [])
        }
    }

    @Test("A record spanning lines is reported once, with the line it started on")
    func multiLine() {
        var reader = CSVRecordReader()
        let results = add(["h1,h2", "\"first", "second\",x", "y,z"], to: &reader)
        #expect(results.map(\.0) == [.record(line: 1), .pending, .record(line: 2), .record(line: 4)])
        #expect(results[2].1 == ["first\nsecond", "x"])
        #expect(results[3].1 == ["y", "z"])
        #expect(!reader.isOpen)
    }

    @Test("Records over the limit are dropped, counted from every line and line end, and the next is read")
    func bounded() {
        var reader = CSVRecordReader(maxRecordLength: 10)
        let results = add(["123456789", "1234567890", "\"12345", "6789\"", "a,b"], to: &reader)
        #expect(
            results.map(\.0) == [.record(line: 1), .overlong(line: 2), .pending, .overlong(line: 3), .record(line: 5)])
        #expect(results[4].1 == ["a", "b"])
    }

    @Test("Under RFC 4180, bytes after a closing quote make the record malformed, ending it with that line")
    func malformed() {
        var reader = CSVRecordReader()
        let results = add(["a,\"b\"c,\"open", "d,e"], to: &reader)
        #expect(results.map(\.0) == [.malformed(line: 1, field: 1), .record(line: 2)])
        #expect(results[1].1 == ["d", "e"])
    }

    @Test("A record's fields are views of one buffer, unescaped")
    func recordView() {
        var reader = CSVRecordReader()
        _ = Array("\"x\"\"y\",,z".utf8).withUnsafeBufferPointer { reader.add($0, line: 1) }
        reader.withRecord { record in
            #expect(record.count == 3)
            #expect(Array(record[0]) == Array("x\"y".utf8))
            #expect(record[1].isEmpty)
            #expect(record.string(2) == "z")
        }
    }

    @Test("A header line read on its own: quotes honoured, an open quote closed at the line's end, fields capped")
    func headerLine() {
        #expect(
            CSVRecordReader.strings(ofLine: "host,\"os, name\",kbs".utf8, dialect: CSVDialect())
                == ["host", "os, name", "kbs"])
        #expect(CSVRecordReader.strings(ofLine: "a,\"b,c".utf8, dialect: CSVDialect()) == ["a", "b,c"])
        let long = Array(repeating: UInt8(ascii: "x"), count: 300)
        let fields = long.withUnsafeBufferPointer {
            CSVRecordReader.fields(ofLine: $0, dialect: CSVDialect(), maxFieldLength: 256)
        }
        #expect(fields.map(\.count) == [256])
    }
}
