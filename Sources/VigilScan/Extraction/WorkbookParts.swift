import VigilIO

/// Where a workbook's text is: its worksheets in workbook order with their names, and its shared strings, as
/// `xl/workbook.xml` and its relationships name them (part names compared without regard to ASCII case, as the
/// archive does). Without usable relationships, every `xl/worksheets/*.xml` part and `xl/sharedStrings.xml`.
struct WorkbookParts {
    var sheets: [(name: String, part: String)] = []
    var sharedStrings = "xl/sharedStrings.xml"

    init(_ archive: inout BoundedZipArchive) throws(ArchiveFailure) {
        var names: [(name: String, id: String)] = []
        var targets: [String: String] = [:]
        if archive.contains("xl/workbook.xml") {
            var tokenizer = XMLTokenizer()
            var handler = AttributeCollector(element: "sheet", attributes: ["name", "r:id"])
            try archive.read("xl/workbook.xml") { tokenizer.feed($0, to: &handler) }
            names = handler.found.compactMap { values in
                guard let name = values[0], let id = values[1] else { return nil }
                return (name, id)
            }
        }
        if archive.contains("xl/_rels/workbook.xml.rels") {
            var tokenizer = XMLTokenizer()
            var handler = AttributeCollector(element: "Relationship", attributes: ["Id", "Target", "Type"])
            try archive.read("xl/_rels/workbook.xml.rels") { tokenizer.feed($0, to: &handler) }
            for values in handler.found {
                guard let id = values[0], let target = values[1] else { continue }
                let part = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                targets[id] = part
                if values[2]?.hasSuffix("/sharedStrings") == true, archive.contains(part) { sharedStrings = part }
            }
        }
        for (name, id) in names {
            if let target = targets[id], archive.contains(target) { sheets.append((name, target)) }
        }
        if sheets.isEmpty {
            let parts = archive.paths.filter { path in
                let folded = path.lowercased()
                return folded.hasPrefix("xl/worksheets/") && folded.hasSuffix(".xml") && !folded.contains("_rels")
            }
            sheets = parts.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }.map { path in
                (String((path.split(separator: "/").last ?? "").dropLast(4)), path)
            }
        }
    }
}
