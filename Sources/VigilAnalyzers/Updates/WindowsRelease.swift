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
    /// The last day of vendor support for the host's edition family (``edition``): for Windows 10 and 11, Home/Pro
    /// versions end earlier than Enterprise/Education ones; when the edition cannot be read, the Enterprise/Education
    /// date is used (the longest a managed estate can have without Extended Security Updates), never a shorter one.
    public var endOfSupport: Date?
    /// Whether the release is one of those WannaCry reached (XP to Windows 8.1 and Server 2003 to 2012 R2 without
    /// MS17-010) — used to word findings, not to decide them.
    public var isLegacy: Bool
    /// The edition family whose lifecycle ``endOfSupport`` follows, when the product name says it.
    public var edition: EditionFamily? = nil
    /// The day the release was first made generally available (Windows 10 and later), to tell releases built after
    /// a fix (not affected) from releases that need it.
    public var released: Date? = nil
    /// The service pack the host lacks to install current updates (Windows 7 without SP1), when it lacks one.
    public var missingServicePack: ServicePack? = nil
    /// The family of releases it belongs to, which Microsoft's bulletins name as affected or not.
    public var family: Family? = nil
    /// The build number (`7601`, `19045`).
    public var build: Int? = nil

    /// Windows releases as Microsoft's security bulletins list them when they say what a vulnerability affects.
    public enum Family: String, Sendable, Hashable, CaseIterable {
        case windowsXP = "Windows XP"
        case server2003 = "Windows Server 2003"
        case vista = "Windows Vista"
        case server2008 = "Windows Server 2008"
        case windows7 = "Windows 7"
        case server2008R2 = "Windows Server 2008 R2"
        case windows8 = "Windows 8"
        case server2012 = "Windows Server 2012"
        case windows81 = "Windows 8.1"
        case server2012R2 = "Windows Server 2012 R2"
        case windows10 = "Windows 10"
        case windows11 = "Windows 11"
        /// Windows Server 2016 and later (the build tells which).
        case server2016Onwards = "Windows Server 2016 and later"

        /// The family of a version (`6.1`, a server or not, its build).
        static func of(major: Int, minor: Int, build: Int, server: Bool) -> Family? {
            switch (major, minor, server) {
            case (5, 1, _), (5, 2, false): .windowsXP
            case (5, 2, true): .server2003
            case (6, 0, false): .vista
            case (6, 0, true): .server2008
            case (6, 1, false): .windows7
            case (6, 1, true): .server2008R2
            case (6, 2, false): .windows8
            case (6, 2, true): .server2012
            case (6, 3, false): .windows81
            case (6, 3, true): .server2012R2
            case (10, 0, false): build >= 22000 ? .windows11 : .windows10
            case (10, 0, true): .server2016Onwards
            default: nil
            }
        }
    }

    /// A service pack a release needs before its later updates install.
    public struct ServicePack: Sendable, Hashable {
        /// `Service Pack 1`.
        public var name: String
        /// The update that installs it (`KB976932`).
        public var kb: String
        /// The advisory product names of the release with the service pack (most specific first): its advisories
        /// apply to the host, which cannot install their fixes.
        public var productNames: [String]
        /// The last day the host's level was supported, when it is not the release's end of support: advisories
        /// published after it are those whose fixes need the service pack.
        public var levelSupportedUntil: Date? = nil

        /// Windows 8.1 and Server 2012 R2 without the April 2014 update (KB2919355, "Windows 8.1 Update"), which
        /// every later update requires; that level's support ended on 2014-06-10.
        static func windows81Update(productNames: [String]) -> ServicePack {
            ServicePack(
                name: "the April 2014 update", kb: "KB2919355", productNames: productNames,
                levelSupportedUntil: CivilDate.date(year: 2014, month: 6, day: 10))
        }
    }

    /// The lifecycle families Microsoft dates Windows versions by.
    public enum EditionFamily: String, Sendable, Hashable, CaseIterable {
        /// Home, Pro, Pro Education, Pro for Workstations, SE.
        case homePro = "Home/Pro"
        /// Enterprise, Education, IoT Enterprise.
        case enterpriseEducation = "Enterprise/Education"
        /// Long-term servicing (LTSB, LTSC).
        case longTerm = "LTSB/LTSC"
        /// Windows Server.
        case server = "Server"

        /// The family a product name states, in English or a few common inventory languages; `nil` when it states none.
        static func read(_ name: String, server: Bool) -> EditionFamily? {
            if server { return .server }
            let lower = name.lowercased()
            if ["ltsb", "ltsc"].contains(where: lower.contains) { return .longTerm }
            // "Pro Education" is dated with Home/Pro; Enterprise's translations include the French "Entreprise".
            let homePro = [
                "home", " pro", "professionnel", "famille", "专业", "家庭", "профессиональная", "домашняя",
            ]
            let enterprise = ["enterprise", "entreprise", "education", "éducation", "企业", "教育", "корпоративная"]
            if lower.contains("pro education") { return .homePro }
            if enterprise.contains(where: lower.contains) { return .enterpriseEducation }
            if homePro.contains(where: lower.contains) { return .homePro }
            return nil
        }
    }

    /// The release an operating system report describes, or `nil` when its version is not one Vigil knows.
    public static func recognise(_ system: OperatingSystem) -> WindowsRelease? {
        guard let (major, minor, build) = versionParts(system) else { return nil }
        let server = system.name.localizedCaseInsensitiveContains("server")
        let architecture = Architecture(system.architecture ?? system.name)
        var release = release(major: major, minor: minor, build: build, server: server, architecture, system)
        if release?.released == nil { release?.released = released(major: major, minor: minor, server: server) }
        if (major, minor) < (10, 0) { release?.edition = server ? .server : nil }
        // Client and server releases share version and build numbers (6.3.9600 is 8.1 and Server 2012 R2): without a
        // product name, which of them the host is, and so whether a vulnerability Microsoft lists for servers only
        // affects it, is not known.
        if !system.name.allSatisfy(\.isWhitespace) {
            release?.family = Family.of(major: major, minor: minor, build: build, server: server)
        }
        release?.build = build
        return release
    }

    private static func release(
        major: Int, minor: Int, build: Int, server: Bool, _ architecture: Architecture, _ system: OperatingSystem
    ) -> WindowsRelease? {
        switch (major, minor) {
        case (5, 1):
            var release = legacy("Windows XP", ["Windows XP Service Pack 3"], support: (2014, 4, 8))
            if let pack = system.servicePack, pack < 3 {
                // XP SP2 support ended on 2010-07-13; later fixes install only on SP3.
                release.name = "Windows XP SP\(pack)"
                release.endOfSupport = CivilDate.date(year: 2010, month: 7, day: 13)
                release.missingServicePack = ServicePack(
                    name: "Service Pack 3", kb: "KB936929", productNames: ["Windows XP Service Pack 3"])
                release.productNames = []
            }
            return release
        case (5, 2):
            if server {
                let names =
                    architecture == .x64
                    ? ["Windows Server 2003 x64 Edition Service Pack 2"] : ["Windows Server 2003 Service Pack 2"]
                var release = legacy("Windows Server 2003", names, support: (2015, 7, 14))
                if let pack = system.servicePack, pack < 2 {
                    // Server 2003 SP1 support ended on 2009-04-14; later fixes install only on SP2.
                    release.name += pack == 1 ? " SP1" : ""
                    release.endOfSupport = CivilDate.date(year: 2009, month: 4, day: 14)
                    release.missingServicePack = ServicePack(
                        name: "Service Pack 2", kb: "KB914961", productNames: names)
                    release.productNames = []
                }
                return release
            }
            return legacy(
                "Windows XP x64", ["Windows XP Professional x64 Edition Service Pack 2"], support: (2014, 4, 8))
        case (6, 0):
            var release: WindowsRelease
            if server {
                release = legacy(
                    "Windows Server 2008",
                    ["Windows Server 2008 for \(architecture.serverPhrase) Systems Service Pack 2"],
                    support: (2020, 1, 14))
            } else {
                let names =
                    architecture == .x64
                    ? ["Windows Vista x64 Edition Service Pack 2"] : ["Windows Vista Service Pack 2"]
                release = legacy("Windows Vista", names, support: (2017, 4, 11))
            }
            // Build 6002 is SP2; SP1 (6001) support ended on 2011-07-12, RTM (6000, Vista only) on 2010-04-13.
            if build < 6002, system.servicePack.map({ $0 < 2 }) ?? true {
                release.name += build == 6001 ? " SP1" : ""
                release.endOfSupport =
                    build == 6001
                    ? CivilDate.date(year: 2011, month: 7, day: 12) : CivilDate.date(year: 2010, month: 4, day: 13)
                release.missingServicePack = ServicePack(
                    name: "Service Pack 2", kb: "KB948465", productNames: release.productNames)
                release.productNames = []
            }
            return release
        case (6, 1):
            let packed = build >= 7601 || system.servicePack == 1
            let base =
                server ? "Windows Server 2008 R2 for x64-based Systems" : "Windows 7 for \(architecture.phrase) Systems"
            let family = server ? "Windows Server 2008 R2" : "Windows 7"
            if packed {
                return legacy("\(family) SP1", ["\(base) Service Pack 1"], support: (2020, 1, 14))
            }
            // Without SP1 (build 7600), support ended on 2013-04-09 and no later update installs: MS17-010, BlueKeep
            // and every rollup need SP1 first.
            var release = legacy(family, [base], support: (2013, 4, 9))
            release.missingServicePack = ServicePack(
                name: "Service Pack 1", kb: "KB976932", productNames: ["\(base) Service Pack 1"])
            return release
        case (6, 2):
            if server { return legacy("Windows Server 2012", ["Windows Server 2012"], support: (2023, 10, 10)) }
            return legacy("Windows 8", ["Windows 8 for \(architecture.phrase) Systems"], support: (2016, 1, 12))
        case (6, 3):
            if server { return legacy("Windows Server 2012 R2", ["Windows Server 2012 R2"], support: (2023, 10, 10)) }
            return legacy("Windows 8.1", ["Windows 8.1 for \(architecture.phrase) systems"], support: (2023, 1, 10))
        case (10, 0):
            return windows10Family(
                build: build, server: server, edition: EditionFamily.read(system.name, server: server),
                longTerm: ["LTSB", "LTSC"].first { system.name.localizedCaseInsensitiveContains($0) },
                architecture: architecture)
        default:
            return nil
        }
    }

    /// When each release before Windows 10 was first generally available, by version and whether it is a server.
    private static func released(major: Int, minor: Int, server: Bool) -> Date? {
        let day: (Int, Int, Int)
        switch (major, minor, server) {
        case (5, 1, _): day = (2001, 10, 25)
        case (5, 2, true): day = (2003, 4, 24)
        case (5, 2, false): day = (2005, 4, 25)
        case (6, 0, false): day = (2007, 1, 30)
        case (6, 0, true): day = (2008, 2, 27)
        case (6, 1, _): day = (2009, 10, 22)
        case (6, 2, false): day = (2012, 10, 26)
        case (6, 2, true): day = (2012, 9, 4)
        case (6, 3, _): day = (2013, 10, 17)
        default: return nil
        }
        return date(day)
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
        WindowsRelease(name: name, productNames: products, endOfSupport: date(support), isLegacy: true)
    }

    /// Windows 10, 11 and Server 2016 onwards, by build number, with the end of support of the edition family the
    /// product name states (Microsoft's lifecycle pages: Home and Pro versions end earlier than Enterprise and
    /// Education ones; LTSB/LTSC and Server have their own dates).
    private static func windows10Family(
        build: Int, server: Bool, edition: EditionFamily?, longTerm: String?, architecture: Architecture
    ) -> WindowsRelease? {
        if server {
            let (name, support, released): (String, (Int, Int, Int), (Int, Int, Int))
            switch build {
            case 14393: (name, support, released) = ("Windows Server 2016", (2027, 1, 12), (2016, 10, 15))
            case 17763: (name, support, released) = ("Windows Server 2019", (2029, 1, 9), (2018, 11, 13))
            case 20348: (name, support, released) = ("Windows Server 2022", (2031, 10, 14), (2021, 8, 18))
            case 26100: (name, support, released) = ("Windows Server 2025", (2034, 10, 10), (2024, 11, 1))
            default: return nil
            }
            return WindowsRelease(
                name: name, productNames: [name], endOfSupport: date(support), isLegacy: false, edition: .server,
                released: date(released))
        }
        let windows11 = build >= 22000
        guard let dates = versions[build] else { return nil }
        let support: (Int, Int, Int)
        switch edition {
        case .longTerm: support = dates.longTerm ?? dates.enterprise
        case .homePro: support = dates.homePro
        case .enterpriseEducation, .server, nil: support = dates.enterprise
        }
        let family = windows11 ? "Windows 11" : "Windows 10"
        let bits = "for \(architecture.phrase) Systems"
        var products =
            dates.version.isEmpty ? ["\(family) \(bits)"] : ["\(family) Version \(dates.version) \(bits)"]
        if windows11, dates.version == "21H2" { products.append("Windows 11 \(bits)") }
        let name = dates.version.isEmpty ? family : "\(family) \(dates.version)"
        return WindowsRelease(
            name: longTerm.map { "\(name) \($0)" } ?? name, productNames: products,
            endOfSupport: date(support), isLegacy: false, edition: edition, released: date(dates.released))
    }

    /// One Windows 10 or 11 version's dates from Microsoft's lifecycle pages.
    private struct VersionDates {
        var version: String
        var released: (Int, Int, Int)
        var homePro: (Int, Int, Int)
        var enterprise: (Int, Int, Int)
        var longTerm: (Int, Int, Int)? = nil
    }

    /// Windows 10 and 11 by build: version, general availability, end of servicing for Home/Pro, Enterprise/Education
    /// and the long-term servicing channel edition of that build, if any.
    private static let versions: [Int: VersionDates] = [
        10240: VersionDates(
            version: "", released: (2015, 7, 29), homePro: (2017, 5, 9), enterprise: (2017, 5, 9),
            longTerm: (2025, 10, 14)),
        10586: VersionDates(
            version: "1511", released: (2015, 11, 10), homePro: (2017, 10, 10), enterprise: (2018, 4, 10)),
        14393: VersionDates(
            version: "1607", released: (2016, 8, 2), homePro: (2018, 4, 10), enterprise: (2019, 4, 9),
            longTerm: (2026, 10, 13)),
        15063: VersionDates(
            version: "1703", released: (2017, 4, 5), homePro: (2018, 10, 9), enterprise: (2019, 10, 8)),
        16299: VersionDates(
            version: "1709", released: (2017, 10, 17), homePro: (2019, 4, 9), enterprise: (2020, 10, 13)),
        17134: VersionDates(
            version: "1803", released: (2018, 4, 30), homePro: (2019, 11, 12), enterprise: (2021, 5, 11)),
        17763: VersionDates(
            version: "1809", released: (2018, 11, 13), homePro: (2020, 11, 10), enterprise: (2021, 5, 11),
            longTerm: (2029, 1, 9)),
        18362: VersionDates(
            version: "1903", released: (2019, 5, 21), homePro: (2020, 12, 8), enterprise: (2020, 12, 8)),
        18363: VersionDates(
            version: "1909", released: (2019, 11, 12), homePro: (2021, 5, 11), enterprise: (2022, 5, 10)),
        19041: VersionDates(
            version: "2004", released: (2020, 5, 27), homePro: (2021, 12, 14), enterprise: (2021, 12, 14)),
        19042: VersionDates(
            version: "20H2", released: (2020, 10, 20), homePro: (2022, 5, 10), enterprise: (2023, 5, 9)),
        19043: VersionDates(
            version: "21H1", released: (2021, 5, 18), homePro: (2022, 12, 13), enterprise: (2022, 12, 13)),
        19044: VersionDates(
            version: "21H2", released: (2021, 11, 16), homePro: (2023, 6, 13), enterprise: (2024, 6, 11),
            longTerm: (2027, 1, 12)),
        19045: VersionDates(
            version: "22H2", released: (2022, 10, 18), homePro: (2025, 10, 14), enterprise: (2025, 10, 14)),
        22000: VersionDates(
            version: "21H2", released: (2021, 10, 4), homePro: (2023, 10, 10), enterprise: (2024, 10, 8)),
        22621: VersionDates(
            version: "22H2", released: (2022, 9, 20), homePro: (2024, 10, 8), enterprise: (2025, 10, 14)),
        22631: VersionDates(
            version: "23H2", released: (2023, 10, 31), homePro: (2025, 11, 11), enterprise: (2026, 11, 10)),
        26100: VersionDates(
            version: "24H2", released: (2024, 10, 1), homePro: (2026, 10, 13), enterprise: (2027, 10, 12),
            longTerm: (2029, 10, 9)),
        26200: VersionDates(
            version: "25H2", released: (2025, 9, 30), homePro: (2027, 10, 12), enterprise: (2028, 10, 10)),
    ]

    private static func date(_ day: (Int, Int, Int)) -> Date? {
        CivilDate.date(year: day.0, month: day.1, day: day.2)
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
