import Foundation

/// Writes a zip archive with stored (uncompressed) entries: enough for the synthetic `.xlsx` and `.docx` files of a
/// generated share. (Real Office files deflate their parts; the scanner's tests cover both.)
struct ZipWriter {
    private var data = Data()
    private var central = Data()
    private var count = 0

    /// Adds an entry.
    mutating func add(_ path: String, _ content: [UInt8]) {
        let name = Array(path.utf8)
        let crc = CRC32.checksum(content)
        let offset = UInt32(data.count)
        // Local file header.
        append32(&data, 0x0403_4B50)
        append16(&data, 20)  // version needed
        append16(&data, 0)  // flags
        append16(&data, 0)  // stored
        append16(&data, 0)  // time
        append16(&data, 0x21)  // date: 1980-01-01
        append32(&data, crc)
        append32(&data, UInt32(content.count))
        append32(&data, UInt32(content.count))
        append16(&data, UInt16(name.count))
        append16(&data, 0)
        data.append(contentsOf: name)
        data.append(contentsOf: content)
        // Central directory entry.
        append32(&central, 0x0201_4B50)
        append16(&central, 20)
        append16(&central, 20)
        append16(&central, 0)
        append16(&central, 0)
        append16(&central, 0)
        append16(&central, 0x21)
        append32(&central, crc)
        append32(&central, UInt32(content.count))
        append32(&central, UInt32(content.count))
        append16(&central, UInt16(name.count))
        append16(&central, 0)
        append16(&central, 0)
        append16(&central, 0)
        append16(&central, 0)
        append32(&central, 0)
        append32(&central, offset)
        central.append(contentsOf: name)
        count += 1
    }

    /// The archive's bytes.
    func finish() -> Data {
        var output = data
        let centralOffset = UInt32(output.count)
        output.append(central)
        append32(&output, 0x0605_4B50)
        append16(&output, 0)
        append16(&output, 0)
        append16(&output, UInt16(count))
        append16(&output, UInt16(count))
        append32(&output, UInt32(central.count))
        append32(&output, centralOffset)
        append16(&output, 0)
        return output
    }

    private func append16(_ target: inout Data, _ value: UInt16) {
        target.append(UInt8(value & 0xFF))
        target.append(UInt8(value >> 8))
    }

    private func append32(_ target: inout Data, _ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { target.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}

/// CRC-32 (IEEE), as zip archives use.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// Minimal Office Open XML packages.
enum OfficePackage {
    /// A cell of a generated worksheet.
    enum Cell {
        case text(String)
        case number(String)
    }

    /// An `.xlsx` workbook of `sheets` (name, rows), strings shared.
    static func workbook(_ sheets: [(name: String, rows: [[Cell]])]) -> Data {
        var strings: [String] = []
        var index: [String: Int] = [:]
        var zip = ZipWriter()
        zip.add(
            "[Content_Types].xml",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\(sheets.indices.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>
                """))
        zip.add(
            "_rels/.rels",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """))
        zip.add(
            "xl/workbook.xml",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(sheets.enumerated().map { "<sheet name=\"\(escape($1.name))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined())</sheets></workbook>
                """))
        zip.add(
            "xl/_rels/workbook.xml.rels",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())<Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>
                """))
        for (number, sheet) in sheets.enumerated() {
            var xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            for (rowIndex, row) in sheet.rows.enumerated() {
                xml += "<row r=\"\(rowIndex + 1)\">"
                for (column, cell) in row.enumerated() {
                    let reference = columnName(column) + String(rowIndex + 1)
                    switch cell {
                    case .text(let text):
                        let position: Int
                        if let known = index[text] {
                            position = known
                        } else {
                            position = strings.count
                            index[text] = position
                            strings.append(text)
                        }
                        xml += "<c r=\"\(reference)\" t=\"s\"><v>\(position)</v></c>"
                    case .number(let value):
                        xml += "<c r=\"\(reference)\"><v>\(value)</v></c>"
                    }
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            zip.add("xl/worksheets/sheet\(number + 1).xml", bytes(xml))
        }
        zip.add(
            "xl/sharedStrings.xml",
            bytes(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
                    + strings.map { "<si><t>\(escape($0))</t></si>" }.joined() + "</sst>"))
        return zip.finish()
    }

    /// A block of a generated document: a paragraph, or a table of rows of cells.
    enum Block {
        case paragraph(String)
        case table([[String]])
    }

    /// A `.docx` document of `blocks`.
    static func document(_ blocks: [Block]) -> Data {
        var zip = ZipWriter()
        zip.add(
            "[Content_Types].xml",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
                """))
        zip.add(
            "_rels/.rels",
            bytes(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
                """))
        var body = ""
        func paragraph(_ text: String) -> String {
            "<w:p><w:r><w:t xml:space=\"preserve\">\(escape(text))</w:t></w:r></w:p>"
        }
        for block in blocks {
            switch block {
            case .paragraph(let text):
                body += paragraph(text)
            case .table(let rows):
                body += "<w:tbl>"
                for row in rows {
                    body += "<w:tr>" + row.map { "<w:tc>\(paragraph($0))</w:tc>" }.joined() + "</w:tr>"
                }
                body += "</w:tbl>"
            }
        }
        zip.add(
            "word/document.xml",
            bytes(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\(body)</w:body></w:document>"
            ))
        return zip.finish()
    }

    /// `A`…`Z`, `AA`… for a zero-based column.
    static func columnName(_ column: Int) -> String {
        var number = column + 1
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
