/// Windows version numbers as host inventories print them.
enum WindowsVersion {
    /// Splits `10.0.19045` or `10.0.19045.4529` (three or four dot-separated numbers) into the three-part version, the
    /// build (third part) and the revision (fourth part, the UBR); `nil` for any other text.
    static func parse(_ text: some StringProtocol) -> (version: String, build: Int?, revision: Int?)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count),
            parts.allSatisfy({ (1...9).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return (parts[0...2].joined(separator: "."), Int(parts[2]), parts.count == 4 ? Int(parts[3]) : nil)
    }

    /// Reads systeminfo's OS Version value in any language: `10.0.19045 N/A Build 19045`,
    /// `6.1.7601 Service Pack 1 Build 7601`, `6.3.9600 Н/Д построение 9600`. The version is the first word; the build
    /// is the version's third part; the service pack is the number after `Service Pack`, which Windows does not
    /// translate.
    static func systemInfo(_ value: some StringProtocol) -> (version: String, build: Int?, servicePack: Int?)? {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" })
        guard let first = words.first, let parsed = parse(first), parsed.revision == nil else { return nil }
        var servicePack: Int?
        for index in words.indices.dropLast(2)
        where words[index].lowercased() == "service" && words[index + 1].lowercased() == "pack" {
            servicePack = Int(words[index + 2])
        }
        return (parsed.version, parsed.build, servicePack)
    }
}
