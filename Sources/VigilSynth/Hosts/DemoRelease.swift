import Foundation
import VigilCore

/// The Windows releases of a synthetic estate, with the real update numbers of each patch level the generator seeds
/// and what an assessment with Vigil's built-in advisory catalogue must find for it.
///
/// The patch levels are chosen so that each way of deciding is exercised: a host unpatched since before WannaCry, one
/// with only the March 2017 security-only update, one with a 2019 rollup that supersedes the fixes through a chain, one
/// with a 2020 rollup past the break in WES-NG's chain, a server with a cumulative update newer than the built-in
/// catalogue knows (unknown, never "patched" nor "missing"), and servers whose cumulative updates postdate the fixes.
enum DemoRelease: String, CaseIterable, Sendable {
    case windows7, windows10LTSB2016, windows10LTSC2019, windows11, server2016, server2012R2, server2019

    /// What the directory's `operatingSystem` attribute and the inventory's "OS Name" say.
    var operatingSystemName: String {
        switch self {
        case .windows7: "Windows 7 Professional"
        case .windows10LTSB2016: "Windows 10 Enterprise 2016 LTSB"
        case .windows10LTSC2019: "Windows 10 Enterprise LTSC 2019"
        case .windows11: "Windows 11 Enterprise"
        case .server2016: "Windows Server 2016 Standard"
        case .server2012R2: "Windows Server 2012 R2 Standard"
        case .server2019: "Windows Server 2019 Standard"
        }
    }

    /// `6.1.7601`, `10.0.14393`.
    var version: String {
        switch self {
        case .windows7: "6.1.7601"
        case .windows10LTSB2016, .server2016: "10.0.14393"
        case .windows10LTSC2019, .server2019: "10.0.17763"
        case .windows11: "10.0.26100"
        case .server2012R2: "6.3.9600"
        }
    }

    var build: Int { Int(version.split(separator: ".").last!)! }

    /// The last day of support (the long-term servicing date for LTSB/LTSC, Enterprise servicing for Windows 11 24H2).
    var endOfSupport: Date {
        switch self {
        case .windows7: CivilDate.date(year: 2020, month: 1, day: 14)
        case .windows10LTSB2016: CivilDate.date(year: 2026, month: 10, day: 13)
        case .windows10LTSC2019, .server2019: CivilDate.date(year: 2029, month: 1, day: 9)
        case .windows11: CivilDate.date(year: 2027, month: 10, day: 12)
        case .server2016: CivilDate.date(year: 2027, month: 1, day: 12)
        case .server2012R2: CivilDate.date(year: 2023, month: 10, day: 10)
        }
    }

    /// Workstations, weighted: a tenth of a trust's fleet on each tick.
    static let workstationMix: [DemoRelease] =
        Array(repeating: .windows7, count: 6) + Array(repeating: .windows10LTSB2016, count: 7)
        + Array(repeating: .windows10LTSC2019, count: 4) + Array(repeating: .windows11, count: 3)

    /// The release whose directory name is `name`.
    static func named(_ name: String) -> DemoRelease? {
        allCases.first { $0.operatingSystemName == name }
    }

    /// The patch levels seeded for this release, with their weights (out of 10).
    var patchLevels: [(weight: Int, level: PatchLevel)] {
        switch self {
        case .windows7:
            [
                // MS17-010's six CVEs and BlueKeep are all on CISA's catalogue: exploited, none merely overdue.
                (4, PatchLevel(kbs: [2_999_226, 3_177_467, 3_212_646], expected: [.updateMissingExploited])),
                (2, PatchLevel(kbs: [2_999_226, 3_177_467, 4_012_212], expected: [.updateMissingExploited])),
                (3, PatchLevel(kbs: [2_999_226, 4_516_065], expected: [])),
                // January 2020's rollup: WES-NG's chain breaks before it, the catalogue's series link does not.
                (1, PatchLevel(kbs: [4_534_310], expected: [])),
            ]
        case .windows10LTSB2016:
            [
                (3, PatchLevel(kbs: [3_213_986], revision: 693, expected: [.updateMissingExploited, .updateOverdue])),
                (7, PatchLevel(kbs: [4_516_044], revision: 3206, expected: [])),
            ]
        case .windows10LTSC2019:
            [
                (5, PatchLevel(kbs: [4_512_578], revision: 678, expected: [])),
                (5, PatchLevel(kbs: [4_489_899], revision: 379, expected: [.updateOverdue])),
            ]
        case .windows11: [(10, PatchLevel(kbs: [5_066_835], revision: 6899, expected: [.updateStateUnknown]))]
        case .server2016:
            [
                (8, PatchLevel(kbs: [5_073_722], expected: [])),
                // A cumulative update released after the catalogue's definitions (numbered after the newest it knows,
                // KB5094122): the fixes may be in it, so the host is unknown, never missing them.
                (2, PatchLevel(kbs: [5_101_010], expected: [.updateStateUnknown])),
            ]
        case .server2012R2: [(10, PatchLevel(kbs: [4_516_067], expected: [.updateMissingExploited]))]
        case .server2019: [(10, PatchLevel(kbs: [5_050_008], expected: []))]
        }
    }

    /// Whether its inventory comes from osquery (with the build revision) rather than systeminfo.
    var inventoriedByOsquery: Bool {
        switch self {
        case .windows10LTSB2016, .windows10LTSC2019, .windows11: true
        case .windows7, .server2016, .server2012R2, .server2019: false
        }
    }
}

/// Installed updates of one patch level, and the update rules an assessment must raise for it.
struct PatchLevel: Sendable {
    var kbs: [Int]
    var revision: Int?
    var expected: [RuleID]

    init(kbs: [Int], revision: Int? = nil, expected: [RuleID]) {
        self.kbs = kbs
        self.revision = revision
        self.expected = expected
    }
}
