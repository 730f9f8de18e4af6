import VigilCore
import VigilScan

extension Estate {
    /// Health-service numbers in the paths the evidence names (ACL exports' folders and files, access logs'
    /// resources, `vigil.yaml`'s confidential resources), masked as the scan masks them (`943 *** **19`).
    ///
    /// Done once, as the estate is collected, so that every path is in one form: the scan's exposures name their
    /// folders masked, and a permission on `…\9434765919 Smith` must join them (unmasked, a patient list open to
    /// Everyone went unreported because its folder was named after the patient); and no report, covered list or
    /// subject key carries the number.
    ///
    /// A mask keeps five digits of an NHS number and two of a CHI number, so two numbers can mask alike. Paths are
    /// keys here (permissions inherit by path, findings are keyed by it), and two patients' folders must never share
    /// one: numbers whose masks collide are told apart with `~1`, `~2`… in the order of the numbers, the same in every
    /// path. The scan's exposures carry the plain mask, so a folder whose number collides joins no permission: its
    /// patient list is reported without its reach rather than with another folder's.
    mutating func maskHealthNumbersInPaths() {
        let paths = Set(resources.map(\.id) + resources.map(\.name) + grants.map(\.resourceID))
            .union(accessEvents.lazy.map(\.resourceID))
        let tokens = Self.tokens(for: paths)
        var masked: [String: String] = [:]
        func mask(_ path: String) -> String {
            if let known = masked[path] { return known }
            let result = PathMasking.masked(path) { tokens[$0] ?? HealthNumber.masked($0) }
            masked[path] = result
            return result
        }
        for index in resources.indices {
            resources[index].id = mask(resources[index].id)
            resources[index].name = mask(resources[index].name)
        }
        for index in grants.indices { grants[index].resourceID = mask(grants[index].resourceID) }
        for index in accessEvents.indices { accessEvents[index].resourceID = mask(accessEvents[index].resourceID) }
    }

    /// The masks of the numbers in `paths` that another number there masks alike, told apart (`438 *** **50~2`).
    static func tokens(for paths: Set<String>) -> [UInt64: String] {
        var byMask: [String: Set<UInt64>] = [:]
        for path in paths {
            for number in PathMasking.numbers(in: path) {
                byMask[HealthNumber.masked(number), default: []].insert(number)
            }
        }
        var tokens: [UInt64: String] = [:]
        for (mask, numbers) in byMask where numbers.count > 1 {
            for (position, number) in numbers.sorted().enumerated() { tokens[number] = "\(mask)~\(position + 1)" }
        }
        return tokens
    }
}
