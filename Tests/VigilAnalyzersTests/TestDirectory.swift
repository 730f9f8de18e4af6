import Foundation
import VigilCore

/// A hand-built directory for analyzer unit tests: domain `T`, accounts with SIDs under one domain SID.
enum TestDirectory {
    static let asOf = CivilDate.date(year: 2026, month: 6, day: 1)
    static let domain = SecurityIdentifier("S-1-5-21-10-20-30")!

    static func account(
        _ name: String, rid: UInt32, lastLogonDaysAgo: Double? = 5, control: AccountControl = .normalAccount,
        memberOf: [String] = [], adminCount: Bool = false, primaryGroup: UInt32 = 513
    ) -> Account {
        Account(
            name: name, domain: "T", distinguishedName: "CN=\(name),OU=Staff,DC=t",
            sid: SecurityIdentifier(authority: 5, subAuthorities: domain.subAuthorities + [rid]),
            control: control, lastLogon: lastLogonDaysAgo.map { asOf.addingTimeInterval(-86_400 * $0) },
            created: asOf.addingTimeInterval(-86_400 * 1_000), adminCount: adminCount, memberOf: memberOf,
            primaryGroupID: primaryGroup,
            source: .init(file: "d.ldif", line: Int(rid))
        )
    }

    static func credential(_ name: String, rid: UInt32, password: String, lm: Bool = false) -> CredentialRecord {
        CredentialRecord(
            accountName: name, domain: "T", rid: rid, ntHash: NTHash(password: password), hasLMHash: lm,
            source: .init(file: "h", line: Int(rid)))
    }
}
