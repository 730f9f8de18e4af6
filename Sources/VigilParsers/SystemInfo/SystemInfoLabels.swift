/// The systeminfo fields Vigil reads.
enum SystemInfoField: Sendable, Equatable {
    case hostName, osName, osVersion, osConfiguration, systemType, hotfixes

    /// Where the field comes in systeminfo's fixed field order (zero-based), used when its label is unknown.
    var position: Int {
        switch self {
        case .hostName: 0
        case .osName: 1
        case .osVersion: 2
        case .osConfiguration: 4
        case .systemType: 13
        case .hotfixes: 30
        }
    }

    /// The field a label names (without its colon, any case), in English, German, French, Italian, Spanish, Russian
    /// or Chinese; `nil` for labels of fields Vigil does not read and for unknown languages.
    static func named(_ label: some StringProtocol) -> SystemInfoField? {
        labels[label.trimming(" \t\u{00A0}\"").lowercased()]
    }

    /// The field a label names in Chinese as `cmd.exe` writes it (GBK bytes, which are not UTF-8).
    static func named(gbk bytes: some Collection<UInt8>) -> SystemInfoField? {
        gbkLabels.first { $0.bytes.elementsEqual(bytes) }?.field
    }

    private static let labels: [String: SystemInfoField] = {
        var table: [String: SystemInfoField] = [:]
        let names: [(SystemInfoField, [String])] = [
            (
                .hostName,
                [
                    "host name", "hostname", "nom de l'hôte", "nom de l’hôte", "nome host", "nombre de host",
                    "имя узла", "主机名",
                ]
            ),
            (
                .osName,
                [
                    "os name", "betriebssystemname", "nom du système d'exploitation", "nom du système d’exploitation",
                    "nome so", "nombre del sistema operativo", "название ос", "os 名称",
                ]
            ),
            (
                .osVersion,
                [
                    "os version", "betriebssystemversion", "version du système", "versione so",
                    "versión del sistema operativo", "версия ос", "os 版本",
                ]
            ),
            (
                .osConfiguration,
                [
                    "os configuration", "betriebssystemkonfiguration", "configuration du système d'exploitation",
                    "configuration du système d’exploitation", "configurazione so",
                    "configuración del sistema operativo", "параметры ос", "os 配置",
                ]
            ),
            (
                .systemType,
                [
                    "system type", "systemtyp", "type du système", "tipo sistema", "tipo de sistema", "тип системы",
                    "系统类型",
                ]
            ),
            (
                .hotfixes,
                [
                    "hotfix(s)", "hotfix(es)", "correctif(s)", "aggiornamenti rapidi", "revisión(es)", "revisiones",
                    "исправление(я)", "修补程序",
                ]
            ),
        ]
        for (field, words) in names {
            for word in words { table[word] = field }
        }
        return table
    }()

    /// GBK spellings of the Chinese labels (主机名, OS 名称, OS 版本, OS 配置, 系统类型, 修补程序).
    private static let gbkLabels: [(bytes: [UInt8], field: SystemInfoField)] = [
        ([0xD6, 0xF7, 0xBB, 0xFA, 0xC3, 0xFB], .hostName),
        ([0x4F, 0x53, 0x20, 0xC3, 0xFB, 0xB3, 0xC6], .osName),
        ([0x4F, 0x53, 0x20, 0xB0, 0xE6, 0xB1, 0xBE], .osVersion),
        ([0x4F, 0x53, 0x20, 0xC5, 0xE4, 0xD6, 0xC3], .osConfiguration),
        ([0xCF, 0xB5, 0xCD, 0xB3, 0xC0, 0xE0, 0xD0, 0xCD], .systemType),
        ([0xD0, 0xDE, 0xB2, 0xB9, 0xB3, 0xCC, 0xD0, 0xF2], .hotfixes),
    ]
}
