extension RuleCatalogue {
    /// Account hygiene and the credential rules that need only a directory export and a hash dump.
    static let accountRules: [Rule] = [
        Rule(
            id: .staleAccount,
            area: .accounts,
            title: "Enabled account not used for a long time",
            severity: .medium,
            summary:
                "An enabled account has not logged on for longer than the staleness threshold (90 days by default), or never logged on since it was created that long ago.",
            rationale:
                "Accounts of leavers and unused accounts still open a door: nobody notices when someone else uses them, and their passwords are rarely changed.",
            remediation:
                "Confirm with the account's owner or line manager that it is still needed; disable it if not, and delete it after your retention period. Make leaver processes disable accounts on the last working day.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://www.ncsc.gov.uk/collection/device-security-guidance/managing-deployed-devices/user-accounts"
            ]
        ),
        Rule(
            id: .stalePrivilegedAccount,
            area: .accounts,
            title: "Privileged account not used for a long time",
            severity: .high,
            summary:
                "An enabled account with administrative rights (a member of a privileged group, directly or through nesting, or marked adminCount=1) has not logged on for longer than the staleness threshold.",
            rationale:
                "An unused administrator account gives an attacker control of the whole domain while nobody watches it. Its password is usually old and often known to former staff or suppliers.",
            remediation:
                "Disable the account now. If it is still needed, reset its password to a long random one, record its owner, and review privileged group membership every quarter.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/windows-server/identity/ad-ds/plan/security-best-practices/reducing-the-active-directory-attack-surface"
            ]
        ),
        Rule(
            id: .passwordNeverExpires,
            area: .accounts,
            title: "Password set never to expire",
            severity: .low,
            summary:
                "An enabled account has the DONT_EXPIRE_PASSWORD flag, so its password is exempt from the domain's maximum password age. Not raised where the domain's passwords never expire (maxPwdAge 0), as VGL-POLICY-FORCED-EXPIRY advises: there the exemption changes nothing.",
            rationale:
                "Regular forced expiry is no longer recommended for people who use strong passwords, but an exemption on one account usually means a shared or service password that has not changed in years and is known to many.",
            remediation:
                "For service accounts, move to group Managed Service Accounts (gMSA) which rotate automatically. For people, remove the flag and rely on a breached-password check and multi-factor authentication instead.",
            effort: .medium,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/windows-server/security/group-managed-service-accounts/group-managed-service-accounts-overview"
            ]
        ),
        Rule(
            id: .passwordNotRequired,
            area: .accounts,
            title: "Account allowed an empty password",
            severity: .high,
            summary:
                "An enabled account has the PASSWD_NOTREQD flag, so it may have an empty password whatever the domain policy says.",
            rationale:
                "The flag silently bypasses the password policy. Accounts created by scripts or old tools often carry it, and an empty password needs no guessing at all.",
            remediation:
                "Clear the flag (Set-ADAccountControl -PasswordNotRequired $false) and set a strong password; find how the account was created so the flag is not set again.",
            effort: .low,
            controls: [.ceUserAccess, .ceSecureConfiguration, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/troubleshoot/windows-server/active-directory/useraccountcontrol-manipulate-account-properties"
            ]
        ),
        Rule(
            id: .reversibleEncryption,
            area: .accounts,
            title: "Password stored with reversible encryption",
            severity: .high,
            summary:
                "An enabled account (or the whole domain policy) stores its password with reversible encryption (ENCRYPTED_TEXT_PWD_ALLOWED).",
            rationale:
                "Anyone who obtains a copy of the directory database can recover these passwords in clear text, not just their hashes.",
            remediation:
                "Clear the flag on the account and in the domain password policy, then have the account's password changed so the reversible copy is discarded.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/store-passwords-using-reversible-encryption"
            ]
        ),
        Rule(
            id: .desOnly,
            area: .accounts,
            title: "Account limited to DES Kerberos keys",
            severity: .medium,
            summary: "An enabled account has the USE_DES_KEY_ONLY flag, so Kerberos tickets for it use single DES.",
            rationale:
                "DES was broken decades ago: tickets encrypted with it can be cracked offline in hours, revealing the password's key. Modern Windows disables DES by default, so the flag also signals an old configuration nobody has reviewed.",
            remediation:
                "Clear the flag (Set-ADAccountControl -UseDESKeyOnly $false), reset the password so AES keys are created, and check the application that needed it.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/network-security-configure-encryption-types-allowed-for-kerberos"
            ]
        ),
        Rule(
            id: .preAuthNotRequired,
            area: .accounts,
            title: "Kerberos pre-authentication not required",
            severity: .high,
            summary: "An enabled account has the DONT_REQ_PREAUTH flag (AS-REP roastable).",
            rationale:
                "Anyone on the network, without any password, can ask the domain controller for data encrypted with this account's password and crack it offline at leisure.",
            remediation:
                "Clear the flag (Set-ADAccountControl -DoesNotRequirePreAuth $false). If an old application needs it, give the account a long random password and restrict where it can log on.",
            effort: .low,
            controls: [.ceSecureConfiguration, .ceUserAccess, .dss9ITProtection],
            references: ["https://attack.mitre.org/techniques/T1558/004/"]
        ),
    ]
}
