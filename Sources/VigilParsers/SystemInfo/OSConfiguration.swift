/// systeminfo's `OS Configuration` field: whether the host is a domain controller (`Primary Domain Controller`,
/// `Backup Domain Controller`) or not (`Member Server`, `Standalone Workstation`…), in the languages whose labels
/// Vigil reads. Some vulnerabilities only matter on domain controllers (Zerologon: the Netlogon service a domain
/// controller runs), so a member server is not judged exposed to them.
enum OSConfiguration {
    /// `true` for a domain controller, `false` for a member or standalone server or workstation, `nil` for a value
    /// in no language Vigil knows.
    static func isDomainController(_ value: some StringProtocol) -> Bool? {
        let text = value.lowercased()
        if domainController.contains(where: text.contains) { return true }
        if otherRoles.contains(where: text.contains) { return false }
        return nil
    }

    /// ``isDomainController(_:)`` of a value in GBK bytes (Chinese `cmd.exe`): 域控制器, 服务器 or 工作站.
    static func isDomainController(gbk bytes: some Collection<UInt8>) -> Bool? {
        let value = Array(bytes)
        if value.firstRange(of: [0xD3, 0xF2, 0xBF, 0xD8, 0xD6, 0xC6, 0xC6, 0xF7]) != nil { return true }
        let server: [UInt8] = [0xB7, 0xFE, 0xCE, 0xF1, 0xC6, 0xF7]
        let workstation: [UInt8] = [0xB9, 0xA4, 0xD7, 0xF7, 0xD5, 0xBE]
        if value.firstRange(of: server) != nil || value.firstRange(of: workstation) != nil { return false }
        return nil
    }

    /// "domain controller" in English, German, French, Italian, Spanish, Portuguese, Dutch, Polish, Russian and
    /// Chinese.
    private static let domainController = [
        "domain controller", "domänencontroller", "contrôleur de domaine", "controller di dominio",
        "controlador de dominio", "controlador de domínio", "domeincontroller", "kontroler domeny", "контроллер домена",
        "域控制器",
    ]

    /// "server" and "workstation" in the same languages (member and standalone alike).
    private static let otherRoles = [
        "server", "workstation", "arbeitsstation", "serveur", "poste de travail", "station de travail", "servidor",
        "estación de trabajo", "estação de trabalho", "werkstation", "stacja robocza", "serwer", "сервер", "станция",
        "服务器", "工作站",
    ]
}
