import Leaf
import TuopinCore
import Vapor

/// Renders a Leaf view inside the common context every page needs: the user's language and
/// strings, who is signed in, and the path for the language switch.
enum Page {
    struct Context<Body: Encodable>: Encodable {
        let t: PageStrings
        let lang: String
        let path: String
        let user: UserBadge?
        let csrf: String
        /// A form was refused (`FormFlow`), and the field it names ("" for none in particular).
        let refused: Bool
        let refused_field: String
        let page: Body
    }

    struct UserBadge: Encodable {
        let name: String
        let roles: [String]
        let home: String?
        /// False while the login still waits for the second factor or enrolment: no menu, only sign-out.
        let complete: Bool
        /// May search the audit log (discipline, procuratorate, audit and the audit administrator).
        let auditor: Bool
        /// Handles oversight cases (discipline, procuratorate and audit; not the audit administrator).
        let oversight: Bool
        /// May import into the registry (the 导入 menu item is shown only then).
        let mayImport: Bool
        /// Cases ready for the user now, on the 待办 menu item (`InboxCount`); nil when none.
        let inbox: Int?
    }

    /// `language` overrides the user's (a notice sheet is printed in the notice's language).
    static func render<Body: Encodable>(
        _ req: Request, _ view: String, _ body: Body, status: HTTPResponseStatus = .ok,
        language: Language? = nil
    ) async throws -> Response {
        let t = language.map { req.application.localizer.translations($0) } ?? req.t
        let inbox = try await InboxCount.of(req)
        let user = req.auth.get(CurrentUser.self).map { u in
            UserBadge(
                name: u.displayName, roles: u.scope.bindings.map { t[$0.role.labelKey] },
                home: u.scope.homeUnit.map { SiteURL.unit($0.value).path }, complete: u.stage == .full,
                auditor: u.scope.has(.readAuditLog), oversight: u.scope.has(.handleOversightCases),
                mayImport: u.scope.has(.writeRegistry), inbox: inbox == 0 ? nil : inbox)
        }
        let context = Context(
            t: req.application.localizer.pageStrings[t.language]!, lang: t.language.htmlTag, path: req.url.path,
            user: user, csrf: req.csrfToken ?? "", refused: req.storage[FormFlow.Refused.self] != nil,
            refused_field: req.storage[FormFlow.Refused.self] ?? "", page: body)
        let response = try await req.timed("render") {
            try await req.view.render(view, context).encodeResponse(for: req)
        }
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
