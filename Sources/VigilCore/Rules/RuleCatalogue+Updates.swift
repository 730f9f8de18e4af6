extension RuleCatalogue {
    /// Missing security updates, unsupported systems and SMBv1, from host inventories against advisories.
    static let updateRules: [Rule] = [
        Rule(
            id: .updateMissingExploited,
            area: .updates,
            title: "Security update missing for a vulnerability being exploited",
            severity: .critical,
            summary:
                "The host lacks every update that fixes a vulnerability listed in CISA's Known Exploited Vulnerabilities catalogue: no installed update is the fix, supersedes it, or brings the build to the fixed level.",
            rationale:
                "Attackers already use these vulnerabilities, often in ransomware and worms. WannaCry spread through MS17-010, two months after its fix was released, to every unpatched Windows host it could reach; it cancelled thousands of appointments.",
            remediation:
                "Install the latest cumulative or monthly rollup update for the host's Windows version (it contains every earlier fix), restart, and confirm with a fresh inventory. Where the host cannot be updated, isolate it from the network until it is replaced.",
            effort: .low,
            controls: [.ceSecurityUpdates, .dss8UnsupportedSystems, .dss9ITProtection],
            references: [
                "https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
                "https://www.ncsc.gov.uk/collection/cyber-essentials/requirements",
            ]
        ),
        Rule(
            id: .updateOverdue,
            area: .updates,
            title: "Critical or high security update overdue",
            severity: .high,
            summary:
                "The host lacks the fix for a critical or high-risk vulnerability (CVSS 7 or more, or rated Critical by the vendor) released more than 14 days before the assessment.",
            rationale:
                "Cyber Essentials and the NHS Data Security and Protection Toolkit require critical and high-risk updates within 14 days of release. The review that found updates missing four years after release found organisations relying on patching that was not happening.",
            remediation:
                "Install the latest cumulative or monthly rollup update; find out why the host missed it (offline, excluded from the update ring, failing installs) and fix that, so it does not fall behind again.",
            effort: .low,
            controls: [.ceSecurityUpdates, .dss9ITProtection],
            references: ["https://www.ncsc.gov.uk/collection/cyber-essentials/requirements"]
        ),
        Rule(
            id: .updateMissing,
            area: .updates,
            title: "Security update missing",
            severity: .medium,
            summary:
                "The host lacks the fix for a vulnerability of medium or low severity, or for one released within the last 14 days.",
            rationale:
                "Lesser vulnerabilities are chained into serious attacks, and a host that misses them is usually missing more.",
            remediation: "Install the latest cumulative or monthly rollup update in the next patch cycle.",
            effort: .low,
            controls: [.ceSecurityUpdates],
            references: ["https://www.ncsc.gov.uk/collection/cyber-essentials/requirements"]
        ),
        Rule(
            id: .unsupportedSystem,
            area: .updates,
            title: "Operating system no longer supported",
            severity: .high,
            summary:
                "The host runs a Windows version past the end of its vendor support (for example Windows XP, 7, Server 2008, or a Windows 10 release whose servicing has ended), so it receives no security updates unless enrolled in Extended Security Updates.",
            rationale:
                "New vulnerabilities in an unsupported system are never fixed. Every organisation WannaCry infected ran unpatched or unsupported Windows; the NHS data security standards allow no unsupported systems.",
            remediation:
                "Upgrade or replace the host. Where a clinical device or application ties it to the old version, enrol it in Extended Security Updates, isolate it on its own network segment and record the risk with a date for replacement.",
            effort: .high,
            controls: [.dss8UnsupportedSystems, .ceSecurityUpdates],
            references: [
                "https://learn.microsoft.com/lifecycle/products/",
                "https://www.dsptoolkit.nhs.uk/Help/data-security-standards",
            ],
            escalations: [
                .init(
                    .legacySystem, severity: .critical,
                    when: "the release is one WannaCry reached (Windows XP to 8.1, Server 2003 to 2012 R2)")
            ]
        ),
        Rule(
            id: .smbVersion1Enabled,
            area: .updates,
            title: "SMBv1 enabled",
            severity: .high,
            summary:
                "The host has the SMB 1.0 server feature enabled (osquery windows_optional_features, or the inventory).",
            rationale:
                "SMBv1 is the protocol WannaCry and NotPetya spread through. Microsoft deprecated it in 2014; nothing current needs it, and keeping it enabled leaves a worm's way in even after patching.",
            remediation:
                "Disable it: Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol (or by group policy across the estate), after checking no legacy device still needs it.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/windows-server/storage/file-server/troubleshoot/detect-enable-and-disable-smbv1-v2-v3"
            ]
        ),
        Rule(
            id: .updateStateUnknown,
            area: .updates,
            title: "Update state cannot be decided",
            severity: .low,
            summary:
                "The evidence does not say whether the host is up to date: it lists no installed updates and no build revision, its Windows version is not recognised, or it has updates newer than the advisory data knows.",
            rationale:
                "A host that cannot be shown to be patched is not patched as far as assurance goes. Absence of evidence is never a pass.",
            remediation:
                "Collect a complete inventory of the host (systeminfo, or osquery with os_version and patches), or import current advisory data (vigil advisories import), and assess again.",
            effort: .low,
            controls: [.ceSecurityUpdates],
            references: [],
            escalations: [
                .init(
                    .exploitedPossible, severity: .high,
                    when: "the advisory data alone would call a known-exploited vulnerability unfixed")
            ]
        ),
    ]
}
