import Foundation
import Vapor

/// Request counts by route and status, and a latency histogram, in Prometheus text format.
final class Metrics: @unchecked Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let lock = NSLock()
    private var requests: [String: Int] = [:]        // labels → count
    private var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count)
    private var count = 0
    private var sum = 0.0

    func record(method: String, route: String, status: UInt, seconds: Double) {
        let labels = "method=\"\(method)\",route=\"\(route.escapedLabel)\",status=\"\(status)\""
        lock.lock(); defer { lock.unlock() }
        requests[labels, default: 0] += 1
        for (i, bound) in Self.buckets.enumerated() where seconds <= bound { bucketCounts[i] += 1 }
        count += 1
        sum += seconds
    }

    func exposition() -> String {
        lock.lock(); defer { lock.unlock() }
        var out = "# HELP tuopin_http_requests_total HTTP requests by route and status.\n"
        out += "# TYPE tuopin_http_requests_total counter\n"
        for (labels, n) in requests.sorted(by: { $0.key < $1.key }) { out += "tuopin_http_requests_total{\(labels)} \(n)\n" }
        out += "# HELP tuopin_http_request_duration_seconds Time to answer a request.\n"
        out += "# TYPE tuopin_http_request_duration_seconds histogram\n"
        for (i, bound) in Self.buckets.enumerated() {
            out += "tuopin_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(bucketCounts[i])\n"
        }
        out += "tuopin_http_request_duration_seconds_bucket{le=\"+Inf\"} \(count)\n"
        out += "tuopin_http_request_duration_seconds_sum \(sum)\n"
        out += "tuopin_http_request_duration_seconds_count \(count)\n"
        return out
    }
}

struct MetricsMiddleware: AsyncMiddleware {
    let metrics: Metrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next.respond(to: request)
        // The route pattern, never the raw path: ids must not become label values.
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        // The time spent in the server, for the browser's developer tools and `tuopin bench`
        // (which reads the first entry), then the parts a handler timed.
        let parts = request.serverTimings.parts.map { String(format: ", %@;dur=%.3f", $0.name, $0.milliseconds) }.joined()
        response.headers.replaceOrAdd(name: "Server-Timing", value: String(format: "app;dur=%.3f", seconds * 1000) + parts)
        return response
    }
}

/// The parts of a request's time that its handler measured (`Request.timed`), shown after `app`
/// in the `Server-Timing` header.
final class ServerTimings: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(name: String, milliseconds: Double)] = []
    var parts: [(name: String, milliseconds: Double)] { lock.lock(); defer { lock.unlock() }; return entries }
    func add(_ name: String, _ milliseconds: Double) { lock.lock(); entries.append((name, milliseconds)); lock.unlock() }
}

extension Request {
    private struct TimingsKey: StorageKey { typealias Value = ServerTimings }
    var serverTimings: ServerTimings { storage[TimingsKey.self, default: ServerTimings()] }

    /// Runs `body` and adds its time to the `Server-Timing` header under `name` (a token: letters,
    /// digits, `-` or `_`).
    func timed<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { serverTimings.add(name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        return try await body()
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = Metrics }
    /// Made by `configure` before the server starts (requests must not race to make it).
    var metrics: Metrics { storage[MetricsKey.self, default: Metrics()] }
}

private extension String {
    var escapedLabel: String { replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
}
