/// FHIR resources as the NHS's APIs return them (PDS, the immunisation API, GP Connect), in JSON or XML: an identifier
/// is an object whose `system` says what its `value` is, `https://fhir.nhs.uk/Id/nhs-number` (formerly
/// `http://fhir.nhs.net/Id/nhs-number`) for an NHS number. Printed one key per line, the system is on the line above
/// the value, out of reach of the words-before-a-number rule:
///
/// ```json
/// "identifier": [ {
///     "system": "https://fhir.nhs.uk/Id/nhs-number",
///     "value": "4010232137"
/// } ]
/// ```
enum FHIRIdentifier {
    /// The most bytes looked at on each side of a value for its system.
    static let window = 192

    /// Whether the quoted value at `start..<end` is an identifier's whose system is the NHS number's: the system's URI
    /// ends within ``window`` bytes before or after it, in the same object (no brace, and no other `identifier`, in
    /// between), and the value is quoted (`"value": "…"`, `value="…"`). Reads `base[floor..<limit]` only.
    static func hasNHSNumberSystem(_ base: UnsafePointer<UInt8>, start: Int, end: Int, floor: Int, limit: Int) -> Bool {
        guard start > floor, base[start - 1] == UInt8(ascii: "\""), end < limit, base[end] == UInt8(ascii: "\"")
        else { return false }
        return systemBefore(base, start - 1, floor: max(floor, start - 1 - window))
            || systemAfter(base, end + 1, limit: min(limit, end + 1 + window))
    }

    /// `/nhs-number"`, the end of the system's URI as it is quoted.
    private static let marker: [UInt8] = Array("/nhs-number\"".utf8)
    private static let identifier: [UInt8] = Array("identifier".utf8)

    private static func systemBefore(_ base: UnsafePointer<UInt8>, _ from: Int, floor: Int) -> Bool {
        var index = from
        while index > floor {
            index -= 1
            let byte = base[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { return false }
            if byte == UInt8(ascii: "\""), index - floor >= marker.count - 1,
                matches(base, at: index - (marker.count - 1), marker)
            {
                return true
            }
            if byte == UInt8(ascii: "r"), index - floor >= identifier.count - 1,
                matches(base, at: index - (identifier.count - 1), identifier)
            {
                return false
            }
        }
        return false
    }

    private static func systemAfter(_ base: UnsafePointer<UInt8>, _ from: Int, limit: Int) -> Bool {
        var index = from
        while index < limit {
            let byte = base[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { return false }
            if byte == UInt8(ascii: "/"), limit - index >= marker.count, matches(base, at: index, marker) {
                return true
            }
            if byte == UInt8(ascii: "i"), limit - index >= identifier.count, matches(base, at: index, identifier) {
                return false
            }
            index += 1
        }
        return false
    }

    private static func matches(_ base: UnsafePointer<UInt8>, at index: Int, _ bytes: [UInt8]) -> Bool {
        for offset in 0..<bytes.count where base[index + offset] != bytes[offset] { return false }
        return true
    }
}
