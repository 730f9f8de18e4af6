extension RuleCatalogue {
    /// Patient identifiers in files: lists and exports outside clinical systems, who can read them, where they sit.
    static let patientDataRules: [Rule] = [
        Rule(
            id: .patientListBroadAccess,
            area: .patientData,
            title: "Patient list readable by everyone in the organisation",
            severity: .critical,
            summary:
                "A file listing patients (five or more) is readable by Everyone, Authenticated Users, Domain Users or all local users, according to the folder's or file's NTFS permissions. Domain Users named by the SID of a domain other than the directory export's (a trusted domain, a merged organisation's old one) is every user of that domain: as broad, and said so rather than counted as this organisation's staff.",
            rationale:
                "Every member of staff, contractor and compromised account can open the list, copy it or send it out, and nobody would notice. A leaked review found exactly this: spreadsheets of patients on open shares. Ransomware operators look for such files first.",
            remediation:
                "Move the file into a folder only the team that needs it can read, or delete it if the clinical system holds the same data. Remove Everyone, Authenticated Users and Domain Users from the folder's permissions and grant a named group instead; then check the share permissions too.",
            effort: .low,
            controls: [.dss1PersonalData, .dss4DataAccess, .ceUserAccess],
            references: [
                "https://www.dsptoolkit.nhs.uk/Help/data-security-standards",
                "https://learn.microsoft.com/windows-server/administration/windows-commands/icacls",
            ]
        ),
        Rule(
            id: .patientBulkExport,
            area: .patientData,
            title: "Bulk export of patient records on a file share",
            severity: .high,
            summary:
                "A file holds identifiers of 1,000 or more patients (an extract of a registered list, a PAS or data-warehouse export) outside the clinical systems.",
            rationale:
                "Extracts outlive their purpose: they are copied, forgotten and never audited. One file can expose a whole population, and the clinical system's access controls and audit trail do not follow the data out.",
            remediation:
                "Find the owner; delete the extract if its purpose has ended, otherwise move it to a restricted, audited location, minimise its fields (pseudonymise where the NHS number is not needed) and record it in the information asset register.",
            effort: .medium,
            controls: [.dss1PersonalData, .dss4DataAccess],
            references: ["https://www.dsptoolkit.nhs.uk/Help/data-security-standards"]
        ),
        Rule(
            id: .patientList,
            area: .patientData,
            title: "Patient list on a file share",
            severity: .medium,
            summary:
                "A file holds identifiers of five or more patients (NHS, CHI, H&C or hospital numbers, or dates of birth beside names) on a file share.",
            rationale:
                "Clinic lists, ward lists and exports saved to shares are the most common way patient data escapes the systems that protect and audit it. Each copy widens who can see it.",
            remediation:
                "Confirm the list is needed; delete it when its purpose has ended, or keep it in a folder restricted to the team using it. Prefer reports run from the clinical system when needed over saved copies.",
            effort: .low,
            controls: [.dss1PersonalData, .dss4DataAccess],
            references: ["https://www.dsptoolkit.nhs.uk/Help/data-security-standards"]
        ),
        Rule(
            id: .patientListUnencryptedDisk,
            area: .patientData,
            title: "Patient list on a disk without encryption",
            severity: .high,
            summary:
                "A file listing patients is on a host whose system disk is not encrypted (BitLocker protection off, according to the host inventory).",
            rationale:
                "A stolen laptop, a disk sent for repair or a decommissioned server gives its patient lists to whoever holds it.",
            remediation:
                "Turn on BitLocker (or another full-disk encryption) on the host, or move the file to an encrypted server.",
            effort: .medium,
            controls: [.dss1PersonalData, .dss9ITProtection, .ceSecureConfiguration],
            references: [
                "https://learn.microsoft.com/windows/security/operating-system-security/data-protection/bitlocker/"
            ]
        ),
    ]
}
