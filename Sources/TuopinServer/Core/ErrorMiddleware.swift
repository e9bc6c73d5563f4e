import Vapor

/// Renders every error in one place: a domain error gets its status and localised message;
/// anything unexpected is logged and shown as a generic 500 without internals.
struct TuopinErrorMiddleware: AsyncMiddleware {
    struct ErrorBody: Content { let error: Detail; struct Detail: Content { let code: String; let message: String } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            // A path that exists with other methods: 405 with the methods it takes, not 404.
            if AppError.from(error) == .notFound, request.route == nil, let allowed = Self.allowedMethods(request),
                !allowed.isEmpty
            {
                let response = try await render(
                    request, status: .methodNotAllowed, code: "method_not_allowed",
                    message: request.t["err_method_not_allowed"])
                response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
                return response
            }
            let appError = AppError.from(error)
            // A page without a valid session (never signed in, or the session ended): to the login
            // form, and from there back to the page (`LoginReturn`).
            if appError == .unauthenticated, !Self.wantsJSON(request) {
                return request.redirect(to: LoginReturn.loginAddress(for: request), redirectType: .normal)
            }
            if appError == nil || appError == .corruptData {
                request.logger.report(error: error)
            }
            let status = appError?.status ?? .internalServerError
            let code = appError?.code ?? "internal"
            let message = appError?.message(request.t) ?? request.t["err_internal"]
            return try await render(request, status: status, code: code, message: message)
        }
    }

    private func render(_ req: Request, status: HTTPResponseStatus, code: String, message: String) async throws
        -> Response
    {
        let wantsJSON = Self.wantsJSON(req)
        let response: Response
        if wantsJSON {
            response = Response(status: status)
            try response.content.encode(ErrorBody(error: .init(code: code, message: message)))
        } else {
            let page = try? await Page.render(req, "error", ErrorPage(status: Int(status.code), message: message))
            response = page ?? Response(status: status, body: .init(string: message))
            response.status = status
        }
        if status == .unauthorized && wantsJSON {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
        }
        return response
    }

    static func wantsJSON(_ req: Request) -> Bool {
        req.url.path.hasPrefix("/api/") || req.url.path == "/healthz" || (req.headers.accept.first?.mediaType == .json)
    }

    struct ErrorPage: Encodable { let status: Int; let message: String }

    /// The methods of the routes whose pattern matches the request's path.
    static func allowedMethods(_ req: Request) -> [String]? {
        let segments = req.url.path.split(separator: "/").map(String.init)
        let methods = req.application.routes.all.filter { route in
            route.path.count == segments.count
                && zip(route.path, segments).allSatisfy { component, segment in
                    switch component {
                    case .constant(let value): value == segment
                    case .parameter: true
                    default: false
                    }
                }
        }.map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }
}
