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
            switch try await action() {
            case .redirect(let path): return req.redirect(to: path, redirectType: .normal)
            case .page(let response): return response
            }
        } catch let error as AppError where !passed.contains(error) {
            var field: String?
            switch error {
            case .invalidField(let name), .missingField(let name): field = name
            default: break
            }
            return try await page(Refusal(message: error.message(req.t), field: field, status: error.status))
        }
    }
}
