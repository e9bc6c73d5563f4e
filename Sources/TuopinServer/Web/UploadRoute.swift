import Vapor

/// Routes that take a file (an import, a signed letter, rectification evidence). Each records its
/// body limit on the route, so that the CSRF check — which may read the body before the handler
/// does — reads up to the same amount, and no byte of the body is read for a caller who is not
/// signed in (`CSRFMiddleware` refuses them first).
enum UploadRoute {
    static let key = "tuopin.upload-limit"

    /// `POST path` taking a form or file of up to `limit` bytes (plus 1 MiB for the form's fields).
    @discardableResult
    static func post<Response: AsyncResponseEncodable>(
        _ app: Application, _ path: [PathComponent], limit: Int,
        use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        let bytes = limit + (1 << 20)
        let route = app.on(.POST, path, body: .collect(maxSize: ByteCount(value: bytes)), use: handler)
        route.userInfo[key] = bytes
        return route
    }

    /// The body limit of the request's route when it is an upload route.
    static func limit(of request: Request) -> Int? {
        request.route?.userInfo[key] as? Int
    }
}
