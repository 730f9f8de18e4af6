extension RuleCatalogue {
    /// Who can reach confidential data: effective access through groups, joined with the patient-data scan.
    static let accessRules: [Rule] = [
        Rule(
            id: .accessWideGrant,
            area: .access,
            title: "One permission opens patient data to a large part of staff",
            severity: .high,
            summary:
                "A single access entry (a group, or a well-known principal such as Domain Users, on a folder or share) lets a quarter or more of the organisation's enabled staff logins read files holding patient identifiers, counted through nested groups and primary groups, after deny entries.",
            rationale:
                "The national review found that practically every organisation lets any member of staff with a log-in, however junior, read confidential data. Access should follow the need to know: each extra reader is another account whose compromise or misuse exposes the patients in those files.",
            remediation:
                "Replace the entry with a group of the people who need the data (the team that uses the folder), or move the files to a folder that already has one. Check the effect first: the report's least-privilege proposal lists who would lose access.",
            effort: .medium,
            controls: [.dss4DataAccess, .dss1PersonalData, .ceUserAccess],
            references: [
                "https://www.dsptoolkit.nhs.uk/Help/data-security-standards",
                "https://learn.microsoft.com/windows/security/identity-protection/access-control/access-control",
            ],
            escalations: [
                Rule.Escalation(
                    "most-staff", severity: .critical, when: "it opens patient data to more than half of enabled staff")
            ]
        ),
        Rule(
            id: .accessWideRole,
            area: .access,
            title: "One clinical role opens patient records to a large part of staff",
            severity: .high,
            summary:
                "A single role of a clinical application, at one scope (a site, a ward, or everywhere), grants a permission on patient data and is held now (today between its start and end dates) by a quarter or more of the organisation's enabled staff logins.",
            rationale:
                "Roles are meant to follow the job: a role most of the organisation holds, with access to patient records, is the clinical-system form of letting every member of staff read confidential data. Each holder is another account whose compromise or misuse exposes the patients the role can see.",
            remediation:
                "Split the role by job and by place: give the patient-record permission only to the roles of people who treat or administer those patients, scope it to their site or ward, and end assignments that have lapsed. The registration authority (for smartcard roles) or the system's administrators make the change.",
            effort: .medium,
            controls: [.dss4DataAccess, .dss1PersonalData, .ceUserAccess],
            references: [
                "https://digital.nhs.uk/developer/guides-and-documentation/security-and-authorisation/national-rbac-for-developers",
                "https://www.dsptoolkit.nhs.uk/Help/data-security-standards",
            ],
            escalations: [
                Rule.Escalation(
                    "most-staff", severity: .critical, when: "more than half of enabled staff hold it")
            ]
        ),
        Rule(
            id: .accessWeakPasswordReachesPatientData,
            area: .access,
            title: "Account with a weak or shared password can read patient data",
            severity: .critical,
            summary:
                "An enabled account whose password is breached, guessable, empty, its own user name or shared with other accounts can read files holding patient identifiers. For a shared password, every account sharing it counts as reaching what any of them reaches.",
            rationale:
                "A password an attacker can guess or look up is a way into the patient data the account can read; the same weak password on an account without that reach is a smaller risk, so these come first.",
            remediation:
                "Have the password changed now and turn on multi-factor authentication for the account; then narrow its access to the patient data it needs.",
            effort: .low,
            controls: [.dss4DataAccess, .dss1PersonalData, .ceUserAccess]
        ),
        Rule(
            id: .accessUnusedAccess,
            area: .access,
            title: "Access to patient data granted and not used",
            severity: .low,
            summary:
                "A permission lets enabled staff read files holding patient identifiers that the access logs show they did not use in the access window (90 days unless --access-window says otherwise). Judged only where the logs mention the permission's folder at all: without logs, or for a folder they never name, unused access is not assessed.",
            rationale:
                "Access nobody uses is risk with no benefit: each account that can read patient data it never needs is one more whose compromise or misuse exposes it. The national review found access given to all staff by default; usage shows how little of it is needed.",
            remediation:
                "Apply the report's least-privilege proposal for the share (least-privilege.csv lists the changes): grant the groups, or the new group, that hold the staff who used it, then remove the wide entry. Review unused-access.csv with the teams concerned.",
            effort: .medium,
            controls: [.dss4DataAccess, .dss5ProcessReviews, .ceUserAccess],
            references: [
                "https://www.dsptoolkit.nhs.uk/Help/data-security-standards"
            ],
            escalations: [
                Rule.Escalation(
                    "many-staff", severity: .medium,
                    when: "a quarter or more of enabled staff hold the unused access through it")
            ]
        ),
    ]
}
