import Vapor

/// What every form post does after its action: on success go where the action says (a redirect,
/// 303, so that reloading does not post again, or a page of its own); when the action refuses what
/// was sent, show the form's page again with the reason, the field it concerns and the refusal's
/// status. Not found and forbidden are not the form's business: they are answered as such, so that a
/// form tells an outsider nothing (`answering` narrows or widens that per form).
enum FormFlow {
    enum Success {
        case redirect(String)
        case page(Response)
    }

    /// Why the action refused, for the page shown again.
    struct Refusal {
        let message: String
        /// The form field the refusal names (`invalidField`, `missingField`), for a message beside it.
        let field: String?
        let status: HTTPResponseStatus
    }

    static func submit(
        _ req: Request, answering passed: [AppError] = [.notFound, .forbidden],
        _ action: () async throws -> Success,
        orShow page: (Refusal) async throws -> Response
    ) async throws -> Response {
        do {
            let success = try await action()
            InboxCount.forget(req)
            switch success {
            case .redirect(let path): return req.redirect(to: path, redirectType: .normal)
            case .page(let response): return response
            }
        } catch {
            // A form's fields are read inside the action, so a value of the wrong kind is refused here
            // like any other (the framework's decoding error becomes the domain's).
            guard let error = AppError.from(error), !passed.contains(error), error != .unauthenticated,
                error != .csrf
            else { throw error }
            var field: String?
            var message = error.message(req.t)
            switch error {
            case .invalidField(let name), .missingField(let name):
                field = name
                message = fieldMessage(error, name: name, req.t)
            default: break
            }
            // The page shown again marks itself refused (`Page.render`): the browser puts back what
            // was typed and shows the message beside the field (`/js/draft.js`).
            req.storage[Refused.self] = field ?? ""
            return try await page(Refusal(message: message, field: field, status: error.status))
        }
    }

    /// The field a refused form's page names (empty: none in particular).
    enum Refused: StorageKey { typealias Value = String }

    /// A field's refusal in the words of the page: with the field's label where one is known
    /// (`field_<name>`), else without the internal name (the page marks the field itself).
    static func fieldMessage(_ error: AppError, name: String, _ t: Translations) -> String {
        let missing: Bool
        if case .missingField = error { missing = true } else { missing = false }
        let base = String(name.prefix { $0 != "[" && $0 != "." })
        if let label = t.ifAny("field_\(base)") {
            return t.format(missing ? "err_missing_field" : "err_invalid_field", label)
        }
        return t[missing ? "err_missing_marked_field" : "err_invalid_marked_field"]
    }
}
