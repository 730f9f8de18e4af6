import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basic one plus the client's address, which sign-in limits and
/// audit entries record. It is the connected peer's, unless ``ClientAddressMiddleware`` finds the peer is a trusted
/// proxy and takes the address that proxy forwarded.
struct VigilRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address as text (`unknown` when the channel has none).
    var clientAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
