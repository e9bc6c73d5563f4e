import Vapor

/// Headers every response carries: no inline script, no framing, no MIME sniffing; HSTS when
/// served over TLS, by Tuopin itself or by a proxy in front (`TUOPIN_SECURE_COOKIES`). Nothing
/// but the stylesheets and scripts under `Public/` may be kept by a browser or a proxy: pages,
/// exports and API answers carry personal data (`Cache-Control: no-store`). Installed outside the
/// error middleware, so refusals and error pages carry the same headers.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let h = response.headers
        var headers = h
        headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors "
                + "'none'; form-action 'self'; base-uri 'none'"
        )
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if request.application.http.server.configuration.tlsConfiguration != nil
            || request.application.tuopin.settings.secureCookies
        {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        if !headers.contains(name: .cacheControl), headers.first(name: .eTag) == nil {
            // FileMiddleware marks the files of Public/ with an ETag; every other answer is dynamic.
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        response.headers = headers
        return response
    }
}
