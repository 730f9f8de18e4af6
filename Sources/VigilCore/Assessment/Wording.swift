/// Numbers and counts in plain English, identical wherever they are printed (reports, terminal, server pages).
public enum Wording {
    /// `7,012`.
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// `1 account`, `2,004 accounts`; `plural` defaults to `singular + "s"`.
    public static func count(_ value: Int, _ singular: String, plural: String? = nil) -> String {
        "\(number(value)) \(value == 1 ? singular : plural ?? singular + "s")"
    }

    /// A share as a percentage with precision that keeps small shares visible: `12%`, `0.4%`, `<0.1%`.
    public static func percent(_ value: Int, of total: Int) -> String {
        guard total > 0 else { return "–" }
        let share = Double(value) / Double(total) * 100
        if value == 0 { return "0%" }
        if share < 0.1 { return "<0.1%" }
        if share < 10 {
            let tenths = Int((share * 10).rounded())
            return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
        }
        return "\(Int(share.rounded()))%"
    }
}
