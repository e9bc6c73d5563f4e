import Foundation
import Vapor

/// Back to the page after an ended session: a page asked for without a valid session sends the
/// browser to the login form with `next` (the page, or for a form sent, the page the form was on)
/// and, for a form, `resume=1` — the browser kept what was typed (`/js/draft.js`) and puts it back
/// once the user is on that page again. Only this site's own paths are ever followed.
enum LoginReturn {
    /// A path of this site to return to, or nil (other sites, the login pages themselves, junk).
    static func target(_ text: String?) -> String? {
        guard let text, let path = SiteURL.localTarget(text) else { return nil }
        let login = SiteURL.login.path
        guard path != login, !path.hasPrefix(login + "/"), !path.hasPrefix(login + "?"),
            !path.hasPrefix(SiteURL.logout.path)
        else { return nil }
        return path
    }

    /// `?next=…` for a target, or nothing.
    static func query(_ target: String?) -> String {
        guard let target else { return "" }
        return "?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// The login address for a request refused for want of a session: the page asked for, or the
    /// page (same site, from the Referer) whose form was sent.
    static func loginAddress(for req: Request) -> String {
        let resuming = req.method != .GET && req.method != .HEAD
        let back: String?
        if resuming {
            back = req.headers.first(name: .referer).flatMap { referer in
                guard let url = URLComponents(string: referer), let host = url.host,
                    let own = req.headers.first(name: .host),
                    own == host || own == host + (url.port.map { ":\($0)" } ?? "")
                else { return nil }
                return url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
            }
        } else {
            back = req.url.string
        }
        var items: [String] = []
        let page = target(back)
        if let page { items.append(String(query(page).dropFirst())) }
        if req.sessionCookieToken?.isEmpty == false { items.append("expired=1") }
        if resuming, page != nil { items.append("resume=1") }
        return SiteURL.login.path + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }
}
