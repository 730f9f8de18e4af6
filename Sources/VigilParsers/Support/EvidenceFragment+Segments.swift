import VigilCore

extension EvidenceFragment {
    /// Joins the fragments read from consecutive segments of one file, given each with its line count, shifting line
    /// numbers so that they count from the start of the file.
    init(segments: consuming [(EvidenceFragment, Int)]) {
        self = segments[0].0
        segments[0].0 = EvidenceFragment(file: log.file)
        var offset = segments[0].1
        for position in segments.indices.dropFirst() {
            // Taken out of the array so that its collections are referenced once and shift in place.
            var part = segments[position].0
            segments[position].0 = EvidenceFragment(file: log.file)
            part.shiftLines(by: offset)
            log.absorb(part.log, lineOffset: offset)
            offset += segments[position].1
            append(contentsOf: part)
        }
    }
}

extension DiagnosticLog {
    /// Adds the counts and diagnostics of a later segment's log, shifting its line numbers.
    mutating func absorb(_ other: DiagnosticLog, lineOffset: Int) {
        recordsRead += other.recordsRead
        for diagnostic in other.diagnostics {
            let line = diagnostic.location.line.map { $0 + lineOffset }
            switch diagnostic.level {
            case .error: reject(line: line, code: diagnostic.code, diagnostic.message)
            case .warning: warn(line: line, code: diagnostic.code, diagnostic.message)
            }
        }
        // Diagnostics beyond the other log's cap were counted there but not kept: count them here too.
        let unkept = other.count - other.diagnostics.count
        if unkept > 0 {
            addUnkept(unkept, rejected: other.recordsRejected - other.diagnostics.filter { $0.level == .error }.count)
        }
    }
}
