/// A part of a Windows product that is installed, upgraded or left out on its own — a version of the .NET Framework —
/// as the advisory data names it in a fix's component (`Microsoft .NET Framework 3.5.1`).
///
/// An advisory's fix for such a component fixes only that component: the Windows update of the same advisory is still
/// needed, and a host that has the component needs its fix too. Components that are simply areas of Windows
/// (`Windows Kernel`, `Microsoft Graphics Component`) are not installable: the sources label the same update with and
/// without them, so they are treated as the product itself. So is Internet Explorer: its versions replace each other,
/// its updates are cumulative, and the sources label one update for several versions, for no version
/// (`Internet Explorer`) and for Windows alike, so that splitting by it trades a few missed fixes for false positives.
struct InstallableComponent: Sendable, Hashable {
    /// The component's name as the data spells it.
    var name: String
    /// Versions of one family replace each other (.NET Framework 4.8 upgrades 4.5 in place): a host has only the newest
    /// of a family it shows. `nil` for components that sit side by side (.NET 3.5.1 beside 4.8).
    var family: String?
    /// The version within the family, for picking the newest.
    var version: [Int]

    /// The installable component `name` names, or `nil` when it is an area of the product itself.
    init?(_ name: String) {
        let lower = name.lowercased()
        guard lower.contains(".net framework") else { return nil }
        self.name = name
        version = Self.version(in: lower)
        family = version.first == 4 ? ".net framework 4" : nil
    }

    /// The first dotted number in `text` (`… 4.5.2` → [4, 5, 2], `… 6.0` → [6, 0]).
    private static func version(in text: String) -> [Int] {
        guard let start = text.firstIndex(where: \.isNumber) else { return [] }
        let tail = text[start...].prefix { $0.isNumber || $0 == "." }
        return tail.split(separator: ".").compactMap { Int($0) }
    }
}
