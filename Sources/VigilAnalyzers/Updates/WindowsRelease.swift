public import Foundation
public import VigilCore

/// A Windows release recognised from an inventory's version numbers, with the names Microsoft's advisories give its
/// products and the date its support ends.
///
/// Recognition uses the version and build (`6.1.7601`, `10.0.19045`), whether the product name says "Server", and
/// the architecture, never the localised product name alone: `Betriebssystemname: Microsoft Windows 7 Ultimate` and
/// `OS Name: Microsoft Windows 7 Enterprise` are the same release.
public struct WindowsRelease: Sendable, Hashable {
    /// How people name the release (`Windows 7 SP1`, `Windows 10 22H2`, `Windows Server 2019`).
    public var name: String
    /// The product names advisories use for this release on this architecture, most specific first
    /// (`Windows 7 for x64-based Systems Service Pack 1`).
    public var productNames: [String]
    /// The last day of vendor support (for Windows 10 and 11, of the Enterprise/Education servicing, which is the
    /// longest a health organisation's managed estate can have without Extended Security Updates).
    public var endOfSupport: Date?
    /// Whether the release is one of those WannaCry reached (XP to Windows 8.1 and Server 2003 to 2012 R2 without
    /// MS17-010) — used to word findings, not to decide them.
    public var isLegacy: Bool

    /// The release an operating system report describes, or `nil` when its version is not one Vigil knows.
    public static func recognise(_ system: OperatingSystem) -> WindowsRelease? {
        guard let (major, minor, build) = versionParts(system) else { return nil }
        let server = system.name.localizedCaseInsensitiveContains("server")
        let architecture = Architecture(system.architecture ?? system.name)
        switch (major, minor) {
        case (5, 1):
            return legacy("Windows XP", ["Windows XP Service Pack 3"], support: (2014, 4, 8))
        case (5, 2):
            if server {
                let names =
                    architecture == .x64
                    ? ["Windows Server 2003 x64 Edition Service Pack 2"] : ["Windows Server 2003 Service Pack 2"]
                return legacy("Windows Server 2003", names, support: (2015, 7, 14))
            }
            return legacy(
                "Windows XP x64", ["Windows XP Professional x64 Edition Service Pack 2"], support: (2014, 4, 8))
        case (6, 0):
            if server {
                return legacy(
                    "Windows Server 2008",
                    ["Windows Server 2008 for \(architecture.serverPhrase) Systems Service Pack 2"],
                    support: (2020, 1, 14))
            }
            let names =
                architecture == .x64 ? ["Windows Vista x64 Edition Service Pack 2"] : ["Windows Vista Service Pack 2"]
            return legacy("Windows Vista", names, support: (2017, 4, 11))
        case (6, 1):
            let pack = build >= 7601 || system.servicePack == 1 ? " Service Pack 1" : ""
            if server {
                return legacy(
                    "Windows Server 2008 R2\(pack.isEmpty ? "" : " SP1")",
                    ["Windows Server 2008 R2 for x64-based Systems\(pack)"], support: (2020, 1, 14))
            }
            return legacy(
                "Windows 7\(pack.isEmpty ? "" : " SP1")", ["Windows 7 for \(architecture.phrase) Systems\(pack)"],
                support: (2020, 1, 14))
        case (6, 2):
            if server { return legacy("Windows Server 2012", ["Windows Server 2012"], support: (2023, 10, 10)) }
            return legacy("Windows 8", ["Windows 8 for \(architecture.phrase) Systems"], support: (2016, 1, 12))
        case (6, 3):
            if server { return legacy("Windows Server 2012 R2", ["Windows Server 2012 R2"], support: (2023, 10, 10)) }
            return legacy("Windows 8.1", ["Windows 8.1 for \(architecture.phrase) systems"], support: (2023, 1, 10))
        case (10, 0):
            let longTerm = ["LTSB", "LTSC"].first { system.name.localizedCaseInsensitiveContains($0) }
            return windows10Family(build: build, server: server, longTerm: longTerm, architecture: architecture)
        default:
            return nil
        }
    }

    /// Major, minor and build from the version string (`10.0.19045`, `10.0.19045.4529`) or the build alone.
    private static func versionParts(_ system: OperatingSystem) -> (Int, Int, Int)? {
        let parts = (system.version ?? "").split(separator: ".").compactMap { Int($0) }
        if parts.count >= 2 {
            let build = system.build ?? (parts.count >= 3 ? parts[2] : 0)
            return (parts[0], parts[1], build)
        }
        guard let build = system.build else { return nil }
        switch build {
        case 2600: return (5, 1, build)
        case 3790: return (5, 2, build)
        case 6000...6003: return (6, 0, build)
        case 7600...7601: return (6, 1, build)
        case 9200: return (6, 2, build)
        case 9600: return (6, 3, build)
        case 10240...: return (10, 0, build)
        default: return nil
        }
    }

    private static func legacy(_ name: String, _ products: [String], support: (Int, Int, Int)) -> WindowsRelease {
        WindowsRelease(
            name: name, productNames: products,
            endOfSupport: CivilDate.date(year: support.0, month: support.1, day: support.2), isLegacy: true)
    }

    /// Windows 10, 11 and Server 2016 onwards, by build number; the long-term servicing editions (LTSB, LTSC) have
    /// their own end dates.
    private static func windows10Family(build: Int, server: Bool, longTerm: String?, architecture: Architecture)
        -> WindowsRelease?
    {
        if server {
            let (name, support): (String, (Int, Int, Int))
            switch build {
            case 14393: (name, support) = ("Windows Server 2016", (2027, 1, 12))
            case 17763: (name, support) = ("Windows Server 2019", (2029, 1, 9))
            case 20348: (name, support) = ("Windows Server 2022", (2031, 10, 14))
            case 26100: (name, support) = ("Windows Server 2025", (2034, 10, 10))
            default: return nil
            }
            return WindowsRelease(
                name: name, productNames: [name],
                endOfSupport: CivilDate.date(year: support.0, month: support.1, day: support.2), isLegacy: false)
        }
        let windows11 = build >= 22000
        let releases: [Int: (String, (Int, Int, Int))] = [
            10240: ("", (2017, 5, 9)), 10586: ("1511", (2017, 10, 10)), 14393: ("1607", (2019, 4, 9)),
            15063: ("1703", (2019, 10, 8)), 16299: ("1709", (2020, 10, 13)), 17134: ("1803", (2021, 5, 11)),
            17763: ("1809", (2021, 5, 11)), 18362: ("1903", (2020, 12, 8)), 18363: ("1909", (2022, 5, 10)),
            19041: ("2004", (2021, 12, 14)), 19042: ("20H2", (2023, 5, 9)), 19043: ("21H1", (2022, 12, 13)),
            19044: ("21H2", (2024, 6, 11)), 19045: ("22H2", (2025, 10, 14)), 22000: ("21H2", (2024, 10, 8)),
            22621: ("22H2", (2025, 10, 14)), 22631: ("23H2", (2026, 11, 10)), 26100: ("24H2", (2027, 10, 12)),
            26200: ("25H2", (2028, 10, 10)),
        ]
        let longTermSupport: [Int: (Int, Int, Int)] = [
            10240: (2025, 10, 14), 14393: (2026, 10, 13), 17763: (2029, 1, 9), 19044: (2027, 1, 12),
            26100: (2029, 10, 9),
        ]
        guard let (version, semiAnnualSupport) = releases[build] else { return nil }
        let support = longTerm != nil ? longTermSupport[build] ?? semiAnnualSupport : semiAnnualSupport
        let family = windows11 ? "Windows 11" : "Windows 10"
        let bits = "for \(architecture.phrase) Systems"
        var products = version.isEmpty ? ["\(family) \(bits)"] : ["\(family) Version \(version) \(bits)"]
        if windows11, version == "21H2" { products.append("Windows 11 \(bits)") }
        let name = version.isEmpty ? family : "\(family) \(version)"
        return WindowsRelease(
            name: longTerm.map { "\(name) \($0)" } ?? name, productNames: products,
            endOfSupport: CivilDate.date(year: support.0, month: support.1, day: support.2), isLegacy: false)
    }
}

/// The processor architecture, as the product names of advisories spell it.
enum Architecture: Sendable {
    case x86, x64, arm64

    init(_ text: String) {
        let lower = text.lowercased()
        if lower.contains("arm") {
            self = .arm64
        } else if lower.contains("64") {
            self = .x64
        } else if lower.contains("86") || lower.contains("32") {
            self = .x86
        } else {
            self = .x64
        }
    }

    /// `x64-based` in `Windows 10 for x64-based Systems`.
    var phrase: String {
        switch self {
        case .x86: "32-bit"
        case .x64: "x64-based"
        case .arm64: "ARM64-based"
        }
    }

    /// Server 2008 names 32-bit systems as `32-bit Systems` too, and has no ARM edition.
    var serverPhrase: String { self == .arm64 ? "x64-based" : phrase }
}
