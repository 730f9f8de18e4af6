public import Foundation

/// How `vigil serve` listens and what it accepts.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port (0: any free port, for tests).
    public var port: Int
    /// The largest request body accepted, in bytes; larger ones get 413 and change nothing.
    public var bodyLimit: Int
    /// The clock receipts, sessions, lockouts and audit entries are stamped with (injected, so tests are
    /// reproducible).
    public var now: @Sendable () -> Date
    /// Mark cookies `Secure` and send HSTS on every response, for a server reached over TLS (through a proxy that
    /// terminates it). A request that says `X-Forwarded-Proto: https` gets both even without it.
    public var secureCookies: Bool
    /// Addresses of proxies whose `X-Forwarded-For` names the client (``ClientAddressMiddleware``).
    public var trustedProxies: Set<String>
    /// How long the database has to answer when the server starts, in seconds; then the start fails.
    public var databaseWait: Double = 30

    public init(
        host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = ServerConfiguration.defaultBodyLimit,
        secureCookies: Bool = false, trustedProxies: Set<String> = [], now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.trustedProxies = trustedProxies
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.secureCookies = secureCookies
        self.now = now
    }

    /// 64 MiB: the submission document's own limit.
    public static let defaultBodyLimit = 64 << 20

    /// Whether `text` is an IPv4 or IPv6 address as a proxy's connection shows it (for `--trusted-proxy`).
    public static func isIPAddress(_ text: String) -> Bool { ClientAddressMiddleware.isIPAddress(text) }

    /// Parses `--listen`: `HOST:PORT`, `:PORT` or `PORT`.
    public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let port = Int(parts[0]), (0...65_535).contains(port) else { return nil }
            return ("127.0.0.1", port)
        case 2:
            guard let port = Int(parts[1]), (0...65_535).contains(port) else { return nil }
            return (parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), port)
        default:
            return nil
        }
    }
}
