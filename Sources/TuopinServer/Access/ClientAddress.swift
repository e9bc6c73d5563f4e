import NIOCore
import Vapor

/// The client's address for per-address limits (failed logins, objections) and for the metrics
/// page's loopback rule. Behind a reverse proxy every request comes from the proxy; from a proxy
/// named in `TUOPIN_TRUSTED_PROXIES` (and from it only) the client is the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy — the one the proxy nearest to us saw.
/// Addresses a client writes further left are not believed.
enum ClientAddress {
    /// `text` as an IP address in its canonical form, or nil when it is not one.
    static func canonical(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 45, let address = try? SocketAddress(ipAddress: text, port: 0) else {
            return nil
        }
        return address.ipAddress
    }

    static func resolve(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trusted.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // A hop that is not an address: the chain cannot be read past it.
            guard let address = canonical(hop) else { return peer }
            if !trusted.contains(address) { return address }
        }
        return peer
    }
}

extension Request {
    /// The client's address (see `ClientAddress`).
    var clientAddress: String {
        ClientAddress.resolve(
            peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor],
            trusted: tuopin.settings.trustedProxies)
    }

    /// The connection comes from this machine and not through a trusted proxy.
    var isLoopbackClient: Bool {
        guard let peer = remoteAddress?.ipAddress, !tuopin.settings.trustedProxies.contains(peer) else { return false }
        return peer == "127.0.0.1" || peer == "::1"
    }
}
