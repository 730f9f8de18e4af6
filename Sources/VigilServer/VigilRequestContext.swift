import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basic one plus the client's address, which sign-in limits and
/// audit entries record. Behind a proxy it is the proxy's address (forwarded headers are not trusted).
struct VigilRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connected client.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, `unknown` when the channel has none.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
