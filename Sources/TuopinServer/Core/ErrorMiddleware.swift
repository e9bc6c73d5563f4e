import Vapor

/// Renders every error in one place: a domain error gets its status and localised message;
/// anything unexpected is logged and shown as a generic 500 without internals.
struct TuopinErrorMiddleware: AsyncMiddleware {
    struct ErrorBody: Content { let error: Detail; struct Detail: Content { let code: String; let message: String } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let appError = AppError.from(error)
            if appError == nil || appError == .corruptData {
                request.logger.report(error: error)
            }
            let status = appError?.status ?? .internalServerError
            let code = appError?.code ?? "internal"
            let message = appError?.message(request.t) ?? request.t["err_internal"]
            return try await render(request, status: status, code: code, message: message)
        }
    }

    private func render(_ req: Request, status: HTTPResponseStatus, code: String, message: String) async throws -> Response {
        let wantsJSON = req.url.path.hasPrefix("/api/") || req.url.path == "/healthz"
            || (req.headers.accept.first?.mediaType == .json)
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

    struct ErrorPage: Encodable { let status: Int; let message: String }
}
