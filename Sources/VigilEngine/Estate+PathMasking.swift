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
    mutating func maskHealthNumbersInPaths() {
        var masked: [String: String] = [:]
        func mask(_ path: String) -> String {
            if let known = masked[path] { return known }
            let result = PathMasking.masked(path)
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
}
