/// Every rule Vigil knows, as one literal list: the single source of rule metadata for findings, reports,
/// `vigil rules` and the generated `docs/rules.md`.
public enum RuleCatalogue {
    /// All rules, in documentation order: one list per area, each in its own `RuleCatalogue+<Area>.swift`.
    public static let all: [Rule] =
        accountRules + credentialRules + policyRules + updateRules + patientDataRules
        + accessRules

    /// The rule with `id`. Every `RuleID` constant is in the catalogue (a test checks it), so this cannot fail for them.
    public static func rule(_ id: RuleID) -> Rule {
        guard let rule = byID[id] else { preconditionFailure("rule \(id) is not in the catalogue") }
        return rule
    }

    /// The rule with `id`, or `nil` for an id this version does not know (one read from a document sent in).
    public static func known(_ id: RuleID) -> Rule? { byID[id] }

    private static let byID: [RuleID: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
