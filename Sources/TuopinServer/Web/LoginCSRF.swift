import Crypto
import Foundation
import Vapor

/// Login CSRF (issue #22): the login form carries a random token that must equal a cookie set
/// with the form (double submit), so that another site cannot post the form and sign a browser in
/// to an account of its choosing. The cookie is HttpOnly, SameSite=Strict and lives one hour.
enum LoginCSRF {
    static let cookieName = "tuopin_login"
    static let secureCookieName = "__Host-tuopin_login"
    static let field = "_csrf"

    static func name(_ req: Request) -> String {
        req.application.tuopin.settings.secureCookies ? secureCookieName : cookieName
    }

    /// The browser's token when it has a well-formed one, else a new one.
    static func token(_ req: Request) -> String {
        if let value = req.cookies[name(req)]?.string, value.count == 43,
            value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        {
            return value
        }
        return SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    static func attach(_ token: String, to response: Response, req: Request) {
        response.cookies[name(req)] = HTTPCookies.Value(
            string: token, maxAge: 3_600, path: "/",
            isSecure: req.application.tuopin.settings.secureCookies
                || req.application.http.server.configuration.tlsConfiguration != nil,
            isHTTPOnly: true, sameSite: .strict)
    }

    /// The form's token equals the cookie's (compared in constant time).
    static func isValid(_ req: Request, sent: String?) -> Bool {
        guard let cookie = req.cookies[name(req)]?.string, !cookie.isEmpty, let sent,
            sent.utf8.count == cookie.utf8.count
        else { return false }
        return zip(sent.utf8, cookie.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
