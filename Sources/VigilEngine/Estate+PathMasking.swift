import VigilCore
import VigilScan

extension Estate {
    /// Health-service numbers in the paths the evidence names (ACL exports' folders and files, access logs'
    /// resources, `vigil.yaml`'s confidential resources, the scan's files), masked as the scan masks them
    /// (`943 *** **19`).
    ///
    /// Done once, as the estate is collected, so that every path is in one form: a permission on
    /// `…\9434765919 Smith` joins the scan's list in that folder (unmasked on one side only, a list open to Everyone
    /// went unreported), and no report, covered list or subject key carries the number.
    ///
    /// A mask keeps five digits of an NHS number and two of a CHI number, so two numbers can mask alike; paths are
    /// keys here (permissions inherit by path, findings are keyed by it), and two patients' folders must never share
    /// one. Numbers whose masks collide anywhere in the evidence, paths and names alike, are told apart, `~1`, `~2`…,
    /// in the order of the numbers and the same in every path and name (``toldApartMasks``): the scan's own paths are masked again here from what it kept in memory. A
    /// scan read from a `scan.json` has only masks: a file whose permission path holds a number is then not joined
    /// with permissions at all (its reach is not in the evidence) rather than perhaps with another patient's folder's.
    mutating func maskHealthNumbersInPaths() {
        var paths = Set(resources.map(\.id) + resources.map(\.name) + grants.map(\.resourceID))
        paths.formUnion(accessEvents.lazy.map(\.resourceID))
        for exposure in patientData {
            guard let unmasked = exposure.unmasked else { continue }
            paths.insert(unmasked.path)
            if let aclPath = unmasked.aclPath { paths.insert(aclPath) }
        }
        // Told apart with the numbers names hold too, which are masked with the same table at the end.
        let tokens = Self.toldApart(
            Set(paths.flatMap(PathMasking.numbers(in:))).union(AssessmentMasking.nameNumbers(in: self)))
        toldApartMasks = tokens
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
        for index in patientData.indices {
            if let unmasked = patientData[index].unmasked {
                patientData[index].path = mask(unmasked.path)
                patientData[index].aclPath = unmasked.aclPath.map(mask)
                patientData[index].unmasked = nil
            } else if let aclPath = patientData[index].aclPath, Self.holdsMaskedNumber(aclPath) {
                patientData[index].aclPath = nil
            }
        }
    }

    /// The masks of those of `numbers` that another of them masks alike, told apart in the order of the numbers
    /// (`438 *** **50~1`, `438 *** **50~2`); the others are not listed.
    static func toldApart(_ numbers: Set<UInt64>) -> [UInt64: String] {
        var tokens: [UInt64: String] = [:]
        for (mask, alike) in Dictionary(grouping: numbers, by: HealthNumber.masked) where alike.count > 1 {
            for (position, number) in alike.sorted().enumerated() { tokens[number] = "\(mask)~\(position + 1)" }
        }
        return tokens
    }

    /// Whether `text` holds a masked number (`943 *** **19`, `*** *** **37`).
    static func holdsMaskedNumber(_ text: String) -> Bool {
        text.contains("*** **")
    }

    /// Whether `text` holds a number told apart from another that masks alike (`438 *** **50~2`): which of them is
    /// `~2` depends on which others the evidence names, so the same folder may be `~1` in the next run. Such a subject
    /// is never counted as covered, so a ticket on it is not fixed by that renumbering.
    static func holdsToldApartNumber(_ text: String) -> Bool {
        text.contains(/\*\*\* \*\*\d\d~\d/)
    }
}
