public import VigilCore

/// The shape of one synthetic organisation: who it is, how big, and how often each failing is seeded.
public struct EstateSpecification: Sendable, Hashable {
    /// How the organisation's directory is laid out.
    public enum Layout: String, Sendable, Hashable {
        /// Directorates, teams, nested groups, tiered administration, many services.
        case trust
        /// One OU, a handful of groups, a supplier's admin account.
        case practice
    }

    /// Shares of enabled staff accounts seeded with each failing (each account gets at most one).
    public struct Rates: Sendable, Hashable {
        /// Disabled leavers (noise that must not be reported).
        public var disabled = 0.04
        /// Not logged on for months.
        public var stale = 0.03
        /// Never logged on, created months ago.
        public var neverLoggedOn = 0.004
        /// Password never expires.
        public var neverExpires = 0.02
        /// PASSWD_NOTREQD.
        public var passwordNotRequired = 0.003
        /// Reversible encryption.
        public var reversibleEncryption = 0.0015
        /// LM hash stored.
        public var lmHash = 0.005
        /// Empty password.
        public var emptyPassword = 0.001
        /// Members of the one "default starting password" group.
        public var sharedStarterPassword = 0.002
        /// DES-only Kerberos keys.
        public var desOnly = 0.0005
        /// Kerberos pre-authentication not required.
        public var noPreAuth = 0.0005
        /// Passwords found only in the breach corpus (not guessable).
        public var breached = 0.03
        /// A common password, possibly capitalised or with digits, a year or a symbol.
        public var commonPassword = 0.02
        /// The organisation's name with a year.
        public var organisationWord = 0.004
        /// A season and a year.
        public var seasonYear = 0.006
        /// The person's own first name and a year.
        public var ownNameYear = 0.004
        /// A keyboard walk.
        public var keyboardWalk = 0.002
        /// The user name as the password.
        public var usernamePassword = 0.001
        /// A previous password reused.
        public var reusedPassword = 0.004
        /// Another account's previous password.
        public var sharedHistory = 0.002
        /// Computer accounts left with their default password.
        public var machineDefault = 0.002

        public init() {}
    }

    /// The organisation.
    public var organisation: Organisation
    /// The DNS name of its directory domain (`northgate.nhs.local`).
    public var domain: String
    /// Ordinary staff accounts.
    public var staff: Int
    /// Computer accounts.
    public var computers: Int
    /// The directory layout.
    public var layout: Layout
    /// Failing rates.
    public var rates: Rates
    /// Seed for this organisation.
    public var seed: UInt64
    /// Files on the organisation's file share (with its permissions as icacls prints them); none when 0.
    public var shareFiles: Int
    /// Whether host inventories (systeminfo, osquery) of its computers and servers are written.
    public var inventories: Bool

    public init(
        organisation: Organisation, domain: String, staff: Int, computers: Int, layout: Layout, rates: Rates = Rates(),
        seed: UInt64, shareFiles: Int = 0, inventories: Bool = false
    ) {
        self.organisation = organisation
        self.domain = domain
        self.staff = staff
        self.computers = computers
        self.layout = layout
        self.rates = rates
        self.seed = seed
        self.shareFiles = shareFiles
        self.inventories = inventories
    }

    /// The NetBIOS domain name (first DNS label, upper-cased).
    public var netBIOSName: String {
        String(domain.split(separator: ".").first ?? "DOMAIN").uppercased()
    }

    /// The demo's organisations: one acute trust and several GP practices of 10–60 staff.
    public static func demo(seed: UInt64, trustStaff: Int, practices: Int) -> [EstateSpecification] {
        var random = SeededRandom(seed: seed, stream: 0xDE30)
        var specs = [
            EstateSpecification(
                organisation: Organisation(
                    code: "R9N", name: "Northgate University Hospitals NHS Foundation Trust", kind: .acuteTrust),
                domain: "northgate.nhs.local",
                staff: trustStaff,
                computers: trustStaff * 7 / 10,
                layout: .trust,
                seed: seed,
                shareFiles: 40,
                inventories: true
            )
        ]
        let names = [
            ("Riverside Surgery", "riverside"), ("Castle Street Medical Centre", "castlestreet"),
            ("Hillview Health Centre", "hillview"), ("Moorland Family Practice", "moorland"),
            ("Oakfield Medical Practice", "oakfield"), ("Harbour Lane Surgery", "harbourlane"),
            ("Elm Tree Surgery", "elmtree"), ("Millbrook Health Centre", "millbrook"),
        ]
        for index in 0..<practices {
            let (name, label) = names[index % names.count]
            let staff = 10 + Int(random.next() % 51)
            specs.append(
                EstateSpecification(
                    organisation: Organisation(
                        code: "Y9" + zeroPadded(index + 1, width: 4), name: name, kind: .gpPractice),
                    domain: "\(label)\(index >= names.count ? String(index) : "").nhs.local",
                    staff: staff,
                    computers: staff,
                    layout: .practice,
                    seed: seed &+ UInt64(index + 1) &* 0x1000_0001,
                    shareFiles: 12,
                    inventories: true
                )
            )
        }
        return specs
    }
}

/// `n` in decimal, left-padded with zeros to `width` digits.
func zeroPadded(_ n: Int, width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
