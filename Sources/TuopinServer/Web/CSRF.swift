import Crypto
import Foundation
import Vapor

/// Cross-site request forgery protection for cookie sessions: every state-changing form carries
/// a token derived from the session secret, checked here before any handler runs. API calls with
/// a bearer token carry no cookie and need none; the login form has no session yet and carries
/// its own token (`LoginCSRF`).
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"
    static let exempt: Set<String> = [SiteURL.login.path]

    static func token(forSession session: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: SymmetricKey(data: Data("tuopin-csrf".utf8)))
            .hexString
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let unsafe = [.POST, .PUT, .PATCH, .DELETE].contains(request.method)
        let upload = UploadRoute.limit(of: request)
        // A file is read only for a signed-in user (bearer or cookie): anonymous uploads are
        // refused before a byte of their body is read.
        if unsafe, upload != nil, request.auth.get(CurrentUser.self) == nil { throw AppError.unauthenticated }
        if unsafe, request.headers.bearerAuthorization == nil, !Self.exempt.contains(request.url.path),
            let session = request.sessionCookieToken, !session.isEmpty
        {
            // The token may be in the body: collect it here, up to the route's own limit (an upload
            // route's is its file's; a form's is 1 MiB).
            let limit = upload ?? Request.maxJSONBody
            if request.body.data == nil, request.headers.first(name: "X-CSRF-Token") == nil {
                _ = try await request.body.collect(max: limit).get()
            }
            let sent =
                request.headers.first(name: "X-CSRF-Token")
                ?? (try? request.content.get(String.self, at: Self.field))
            guard let sent, sent == Self.token(forSession: session) else { throw AppError.csrf }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The token forms put in `_csrf`, or nil without a session.
    var csrfToken: String? {
        guard let session = sessionCookieToken, !session.isEmpty else { return nil }
        return CSRFMiddleware.token(forSession: session)
    }
}
