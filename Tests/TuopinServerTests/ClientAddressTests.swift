import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import TuopinServer

/// Issue #22 M3: behind a reverse proxy every request comes from the proxy, so per-address limits
/// (20 failed logins, 5 objections an hour) and the metrics page's loopback rule would apply to all
/// clients at once. From a trusted proxy, and only from one, `X-Forwarded-For` names the client.
@Suite struct ClientAddressTests {
    let proxy: Set<String> = ["10.0.0.2", "127.0.0.1"]

    @Test func theClientIsTheLastUntrustedHopAndOnlyBehindATrustedProxy() {
        // No proxy configured, or a peer that is not one: the header is the client's own words.
        #expect(
            ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"], trusted: []) == "203.0.113.9")
        #expect(
            ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"], trusted: proxy) == "203.0.113.9")
        // From the proxy: its hop.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"], trusted: proxy) == "198.51.100.1")
        // A client that writes its own header first: the proxy appends the real address; that one counts.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.1"], trusted: proxy)
                == "198.51.100.1")
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4", "198.51.100.1"], trusted: proxy)
                == "198.51.100.1")
        // Two proxies in a row are both skipped.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 10.0.0.2"], trusted: proxy)
                == "198.51.100.1")
        // IPv6 in its canonical form; garbage stops the walk at the proxy.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["2001:DB8::1"], trusted: proxy) == "2001:db8::1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["evil\r\nx"], trusted: proxy) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: [], trusted: proxy) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["198.51.100.1"], trusted: proxy) == "unknown")
    }

    @Test func theSettingTakesAddressesOnly() throws {
        let settings = try TuopinSettings.fromEnvironment(["TUOPIN_TRUSTED_PROXIES": "127.0.0.1, ::1,10.0.0.2"])
        #expect(settings.trustedProxies == ["127.0.0.1", "::1", "10.0.0.2"])
        #expect(try TuopinSettings.fromEnvironment([:]).trustedProxies.isEmpty)
        do {
            _ = try TuopinSettings.fromEnvironment(["TUOPIN_TRUSTED_PROXIES": "127.0.0.1,proxy.example"])
            Issue.record("accepted a host name")
        } catch {
            #expect(error.name == "TUOPIN_TRUSTED_PROXIES" && error.problem.contains("proxy.example"))
        }
    }

    /// Without the setting, a request's X-Forwarded-For changes nothing: the peer is the client,
    /// and a loopback peer may read the metrics.
    @Test func withoutTrustedProxiesTheHeaderIsIgnored() async throws {
        try await withTestApp(households: 0) { app in
            var headers = HTTPHeaders()
            headers.add(name: .xForwardedFor, value: "198.51.100.1")
            let request = Request(
                application: app, method: .GET, url: URI(path: "/"), headers: headers,
                remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 40_000), on: app.eventLoopGroup.next())
            #expect(request.clientAddress == "127.0.0.1")
            #expect(request.isLoopbackClient)
        }
    }
}
