import Fluent
import FluentPostgresDriver
import TuopinCore
import Vapor

/// Every error a user can meet, with its status and the message key of its localised text.
enum AppError: Error, Equatable {
    case notFound
    case unauthenticated
    case forbidden
    case invalidCredentials
    case accountLocked(until: Date)
    case invalidField(String)
    case missingField(String)
    case badRequest
    case payloadTooLarge
    case unsupportedMediaType
    case conflict
    case registryNotEmpty
    case corruptData
    case csrf
    /// Several fields at once; `fields` maps each to its message key.
    case validation([HouseholdEdit.FieldProblem])
    /// A workflow step the state machine refused, with its reason.
    case refused(Refusal)
    /// The subject cannot enter the workflow (message key).
    case notEligible(String)
    case noticeTooShort(Int)
    case noticeClosed
    case tooManyRequests
    /// A change to certified data without its reason (article 24).
    case reasonRequired
    /// A new password that breaks the policy (empty: the same as the old one).
    case weakPassword([PasswordPolicy.Problem])
    case passwordExpired
    /// A wrong, reused or missing one-time code (or recovery code).
    case invalidSecondFactor
    /// The role requires two factors and the user has not enrolled yet (enrol on the web first).
    case twoFactorEnrolmentRequired
    /// The role requires two factors, so they cannot be turned off.
    case twoFactorRequired
    /// The head of a household cannot be removed from it.
    case headOfHousehold
    /// No user may hold two of the three administrator roles (等保 三权分立).
    case administratorSeparation(held: Role)
    /// More than the account holds (article 13); the available balance is in the message.
    case insufficientFunds(available: Money)

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .unauthenticated, .invalidCredentials: .unauthorized
        case .forbidden, .csrf: .forbidden
        case .accountLocked: .tooManyRequests
        case .invalidField, .missingField, .badRequest: .badRequest
        case .validation: .unprocessableEntity
        case .payloadTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .conflict, .registryNotEmpty: .conflict
        case .corruptData: .internalServerError
        case .refused(.wrongRole): .forbidden
        case .refused, .notEligible, .noticeClosed: .conflict
        case .noticeTooShort, .reasonRequired, .weakPassword: .badRequest
        case .passwordExpired, .twoFactorEnrolmentRequired: .forbidden
        case .invalidSecondFactor: .unauthorized
        case .twoFactorRequired, .administratorSeparation, .headOfHousehold, .insufficientFunds: .conflict
        case .tooManyRequests: .tooManyRequests
        }
    }

    /// Stable machine-readable code for API clients.
    var code: String {
        switch self {
        case .notFound: "not_found"
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .invalidCredentials: "invalid_credentials"
        case .accountLocked: "account_locked"
        case .invalidField: "invalid_field"
        case .missingField: "missing_field"
        case .badRequest: "bad_request"
        case .payloadTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .conflict: "conflict"
        case .registryNotEmpty: "registry_not_empty"
        case .corruptData: "corrupt_data"
        case .csrf: "csrf"
        case .validation: "validation"
        case .refused(let refusal): refusal.key
        case .notEligible: "not_eligible"
        case .noticeTooShort: "notice_too_short"
        case .noticeClosed: "notice_closed"
        case .tooManyRequests: "too_many_requests"
        case .reasonRequired: "reason_required"
        case .weakPassword: "weak_password"
        case .passwordExpired: "password_expired"
        case .invalidSecondFactor: "invalid_second_factor"
        case .twoFactorEnrolmentRequired: "two_factor_enrolment_required"
        case .twoFactorRequired: "two_factor_required"
        case .administratorSeparation: "administrator_separation"
        case .headOfHousehold: "head_of_household"
        case .insufficientFunds: "insufficient_funds"
        }
    }

    func message(_ t: Translations) -> String {
        switch self {
        case .invalidField(let field): t.format("err_invalid_field", field)
        case .missingField(let field): t.format("err_missing_field", field)
        case .accountLocked(let until): t.format("err_account_locked", Clock.minute(until))
        case .validation(let problems): problems.map { "\($0.field)：\(t[$0.messageKey])" }.joined(separator: "；")
        case .refused(let refusal): WorkflowText.refusal(refusal, t)
        case .notEligible(let key): t[key]
        case .weakPassword(let problems):
            problems.isEmpty ? t["pw_same"] : problems.map { t[$0.key] }.joined(separator: "；")
        case .noticeTooShort(let days): t.format("err_notice_too_short", String(days))
        case .administratorSeparation(let held): t.format("err_administrator_separation", t[held.labelKey])
        case .insufficientFunds(let available): t.format("err_insufficient_funds", available.description)
        default: t["err_\(code)"]
        }
    }

    /// Maps framework errors for bad input to domain errors, so no bad input becomes a 500.
    static func from(_ error: any Error) -> AppError? {
        if let app = error as? AppError { return app }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return .missingField(key.stringValue)
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return context.codingPath.isEmpty
                    ? .badRequest : .invalidField(context.codingPath.map(\.stringValue).joined(separator: "."))
            default: return .badRequest
            }
        }
        // Two writers raced for the same unique row (PostgreSQL runs writers concurrently): the loser's
        // transaction rolled back, nothing was written, and the client is told to read again.
        if let database = error as? any DatabaseError, database.isConstraintFailure { return .conflict }
        // Text PostgreSQL cannot hold (a NUL byte: 22021; a character outside the encoding: 22P05) is bad input.
        if let postgres = error as? PSQLError, let state = postgres.serverInfo?[.sqlState],
            ["22021", "22P05"].contains(state)
        {
            return .badRequest
        }
        if let abort = error as? any AbortError {
            switch abort.status {
            case .notFound: return .notFound
            case .unauthorized: return .unauthenticated
            case .forbidden: return .forbidden
            case .payloadTooLarge: return .payloadTooLarge
            case .unsupportedMediaType: return .unsupportedMediaType
            case .conflict: return .conflict
            case .badRequest, .unprocessableEntity, .lengthRequired: return .badRequest
            default: return nil
            }
        }
        return nil
    }
}

/// Checks shared by every free-text input.
enum TextInput {
    /// C0 control characters other than tab, line feed and carriage return (NUL above all).
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" || $0.value == 0x7F }
    }
}
