import Fluent
import SQLKit
import Vapor

/// Health, metrics and the API description.
enum SystemController {
    struct Health: Content { let status: String; let database: String }

    @Sendable static func healthz(req: Request) async throws -> Response {
        let dialect = req.systemData.engine
        do {
            try await req.systemData.ping()
            return try await Health(status: "ok", database: dialect).encodeResponse(for: req)
        } catch {
            req.logger.error("health check failed: \(String(reflecting: error))")
            let response = try await Health(status: "unavailable", database: dialect).encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }

    /// Loopback clients (not a proxy on this machine named in TUOPIN_TRUSTED_PROXIES), or a
    /// scraper presenting TUOPIN_METRICS_TOKEN.
    @Sendable static func metrics(req: Request) async throws -> Response {
        let loopback = req.isLoopbackClient
        let token = req.tuopin.settings.metricsToken
        guard loopback || (token != nil && req.headers.bearerAuthorization?.token == token) else {
            throw AppError.notFound
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(
            type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: Telemetry.exposition()))
    }

    /// The OpenAPI document. A year bound that moves with the calendar is written in the file as
    /// `"x-years-from-now": N` and served as `"maximum": <this year + N>`, so the document says
    /// exactly what the server accepts today.
    @Sendable static func openAPI(req: Request) async throws -> Response {
        let path = req.application.directory.resourcesDirectory + "openapi.json"
        let document = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
        let resolved = withYearBounds(document, year: req.clock.today.year)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(
            status: .ok, headers: headers,
            body: .init(data: try JSONSerialization.data(withJSONObject: resolved, options: [.sortedKeys])))
    }

    static func withYearBounds(_ value: Any, year: Int) -> Any {
        if var object = value as? [String: Any] {
            if let offset = object["x-years-from-now"] as? Int { object["maximum"] = year + offset }
            return object.mapValues { withYearBounds($0, year: year) }
        }
        if let array = value as? [Any] { return array.map { withYearBounds($0, year: year) } }
        return value
    }
}
