import VigilCore

/// Writes the `covered` member of `assessment.json` as `JSONEncoder` would (pretty-printed, keys sorted, slashes
/// unescaped) but directly into bytes: a national directory's covered lists hold millions of account ids, and the
/// encoder spent more time on them than on everything else in the document but the findings. The bytes are identical
/// to the encoder's (a test compares the two on hostile ids, empty lists and complete sets).
enum CoveredJSONWriter {
    /// Bytes gathered before they are handed on: large enough that each hand-over is a large write, small enough that
    /// millions of ids are never held twice.
    static let flushSize = 1 << 22

    /// Writes `sets` as the value of the top-level `covered` member, from its `[` to its `]`, handing bytes to
    /// `output` as they fill.
    static func write(_ sets: [CoveredSubjects], to output: ([UInt8]) throws -> Void) rethrows {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(flushSize + 4_096)
        func append(_ fragment: StaticString) {
            fragment.withUTF8Buffer { bytes += $0 }
        }
        append("[")
        for (position, set) in sets.enumerated() {
            append(position == 0 ? "\n    {\n      \"area\" : \"" : ",\n    {\n      \"area\" : \"")
            JSONText.appendEscaped(set.area.rawValue, to: &bytes)
            append(set.complete ? "\",\n      \"complete\" : true" : "\",\n      \"complete\" : false")
            append(",\n      \"ids\" : [")
            for (index, id) in set.ids.enumerated() {
                append(index == 0 ? "\n        \"" : ",\n        \"")
                JSONText.appendEscaped(id, to: &bytes)
                append("\"")
                if bytes.count >= flushSize {
                    try output(bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            append(set.ids.isEmpty ? "\n\n      ]" : "\n      ]")
            append(",\n      \"kind\" : \"")
            JSONText.appendEscaped(set.kind.rawValue, to: &bytes)
            if let rules = set.rules {
                append("\",\n      \"rules\" : [")
                for (index, rule) in rules.enumerated() {
                    append(index == 0 ? "\n        \"" : ",\n        \"")
                    JSONText.appendEscaped(rule.rawValue, to: &bytes)
                    append("\"")
                }
                append(rules.isEmpty ? "\n\n      ]\n    }" : "\n      ]\n    }")
            } else {
                append("\"\n    }")
            }
        }
        append(sets.isEmpty ? "\n\n  ]" : "\n  ]")
        try output(bytes)
    }
}
