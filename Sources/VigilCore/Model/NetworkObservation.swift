/// A service seen listening on the network (from an nmap scan).
public struct NetworkObservation: Codable, Sendable, Hashable {
    /// The host address scanned.
    public var address: String
    /// The host name, when resolved.
    public var hostName: String?
    /// The port number.
    public var port: Int
    /// `tcp` or `udp`.
    public var transport: String
    /// Whether the port was open.
    public var open: Bool
    /// The service name (`microsoft-ds`).
    public var service: String?
    /// Product and version as detected.
    public var product: String?
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        address: String,
        hostName: String? = nil,
        port: Int,
        transport: String,
        open: Bool,
        service: String? = nil,
        product: String? = nil,
        source: EvidenceReference
    ) {
        self.address = address
        self.hostName = hostName
        self.port = port
        self.transport = transport
        self.open = open
        self.service = service
        self.product = product
        self.source = source
    }
}
