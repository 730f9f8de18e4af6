/// Helpers for LDAP distinguished names as AD exports write them.
public enum DistinguishedName {
    /// A canonical form for comparing DNs: RDNs split on unescaped commas, whitespace around `,`, `=` and `+` removed,
    /// lower-cased. `CN=Domain Admins, CN=Users,DC=x` and `cn=domain admins,cn=users,dc=x` compare equal.
    public static func normalised(_ dn: String) -> String {
        // Written straight into the new string's storage: a national directory normalises millions of DNs. The
        // output is never longer than the input (spaces are only dropped, bytes only lower-cased).
        var dn = dn
        return dn.withUTF8 { input in
            String(unsafeUninitializedCapacity: input.count) { output in
                var count = 0
                var escaped = false
                var pendingSpaces = 0
                func append(_ byte: UInt8) {
                    output[count] = byte
                    count += 1
                }
                func flushSpaces() {
                    for _ in 0..<pendingSpaces { append(UInt8(ascii: " ")) }
                    pendingSpaces = 0
                }
                for byte in input {
                    if escaped {
                        append(lowered(byte))
                        escaped = false
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\\"):
                        flushSpaces()
                        append(byte)
                        escaped = true
                    case UInt8(ascii: " "):
                        if count == 0 { continue }
                        let last = output[count - 1]
                        if last == UInt8(ascii: ",") || last == UInt8(ascii: "=") || last == UInt8(ascii: "+") {
                            continue
                        }
                        pendingSpaces += 1
                    case UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+"):
                        pendingSpaces = 0
                        append(byte)
                    default:
                        flushSpaces()
                        append(lowered(byte))
                    }
                }
                return count
            }
        }
    }

    /// The values of the `DC=` components, in order (`["trust", "nhs", "uk"]`). Scans bytes: it runs once per account.
    public static func domainComponents(_ dn: String) -> [String] {
        var components: [String] = []
        var utf8 = dn.utf8[...]
        while !utf8.isEmpty {
            // At the start of an RDN: skip spaces, test for `dc=`.
            while utf8.first == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
            let isDomainComponent =
                utf8.count >= 3 && lowered(utf8[utf8.startIndex]) == UInt8(ascii: "d")
                && lowered(utf8[utf8.index(after: utf8.startIndex)]) == UInt8(ascii: "c")
            var valueStart = utf8.startIndex
            if isDomainComponent {
                var cursor = utf8.index(utf8.startIndex, offsetBy: 2)
                while cursor < utf8.endIndex, utf8[cursor] == UInt8(ascii: " ") { cursor = utf8.index(after: cursor) }
                if cursor < utf8.endIndex, utf8[cursor] == UInt8(ascii: "=") { valueStart = utf8.index(after: cursor) }
            }
            // Find the end of this RDN: the next unescaped comma.
            var cursor = utf8.startIndex
            var escaped = false
            while cursor < utf8.endIndex {
                let byte = utf8[cursor]
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: ",") {
                    break
                }
                cursor = utf8.index(after: cursor)
            }
            if valueStart != utf8.startIndex {
                components.append(String(Substring(utf8[valueStart..<cursor]).trimmingSpaces))
            }
            utf8 = cursor < utf8.endIndex ? utf8[utf8.index(after: cursor)...] : utf8[utf8.endIndex...]
        }
        return components
    }

    /// The DNS name from the `DC=` components (`trust.nhs.uk`).
    public static func dnsName(_ dn: String) -> String {
        domainComponents(dn).joined(separator: ".")
    }

    /// The value of the first RDN (`Domain Admins` for `CN=Domain Admins,CN=Users,…`), unescaped.
    public static func firstValue(_ dn: String) -> String {
        guard let first = rdns(dn).first else { return dn }
        let parts = first.split(separator: "=", maxSplits: 1)
        return parts.count == 2 ? unescape(String(parts[1].trimmingSpaces)) : first
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Splits on commas not escaped by a backslash.
    static func rdns(_ dn: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in dn {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// Removes `\,`-style escapes and decodes `\C4\8D`-style hex escapes.
    static func unescape(_ value: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(value.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = iterator.first else {
                bytes.append(byte)
                continue
            }
            if let high = HexDigit.value(next), iterator.count >= 2,
                let low = HexDigit.value(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(next)
                iterator = iterator.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    /// The substring without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
