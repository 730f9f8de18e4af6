import Foundation
import VigilCore
import VigilParsers
import VigilTestSupport

/// The shared sample estate's ground truth (`Tests/Fixtures/ad-estate-sample/ground-truth.json`) as `RULE SUBJECT`
/// strings, for the rules it speaks about, plus the password-policy findings its domain object implies.
struct SampleTruth {
    let expected: Set<String>

    static func load() throws -> SampleTruth {
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("ad-estate-sample/ground-truth.json")))
            as! [String: Any]
        let flagRule: [String: RuleID] = [
            "password-never-expires": .passwordNeverExpires, "password-not-required": .passwordNotRequired,
            "reversible-encryption": .reversibleEncryption, "lm-hash-stored": .lmHashStored,
            "stale-privileged": .stalePrivilegedAccount,
        ]
        let weakRule: [String: RuleID] = [
            "breached-corpus-only": .breachedPassword, "common": .guessablePassword,
            "organisation-or-season-word": .guessablePassword,
            "own-name-plus-year": .guessablePassword, "username-as-password": .usernameAsPassword,
            "empty-password": .emptyPassword,
        ]
        var expected: Set<String> = []
        for (account, flag) in object["flags"] as! [String: String] {
            expected.insert("\(flagRule[flag]!) RIVERSIDE\\\(account)")
        }
        for (account, reason) in object["weak"] as! [String: String] {
            expected.insert("\(weakRule[reason]!) RIVERSIDE\\\(account)")
        }
        for group in object["shared_groups"] as! [[String: Any]] {
            for account in group["accounts"] as! [String] {
                // The sample names its administrators adm.*; they are the privileged members of a privileged group.
                let rule: RuleID =
                    (group["privileged"] as! Bool) && account.hasPrefix("adm.")
                    ? .privilegedSharedPassword : .sharedPassword
                expected.insert("\(rule) RIVERSIDE\\\(account)")
            }
        }
        // The domain object: minPwdLength 6, lockoutThreshold 0, pwdHistoryLength 0, maxPwdAge 42 days, no complexity;
        // and an empty password (zoe.thomas) is shorter than the minimum.
        for rule in [
            RuleID.policyMinimumLength, .policyLockout, .policyForcedExpiry, .policyHistory, .policyLengthBypassed,
        ] {
            expected.insert("\(rule) riverside.nhs.local")
        }
        return SampleTruth(expected: expected)
    }

    /// An index of the sample's breach corpus, built in a scratch folder.
    static func breachIndex(in scratch: ScratchDirectory) throws -> String {
        let path = scratch.url.appendingPathComponent("sample.vbi").path
        _ = try BreachIndexBuilder().build(
            source: Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt").path, output: path)
        return path
    }
}
