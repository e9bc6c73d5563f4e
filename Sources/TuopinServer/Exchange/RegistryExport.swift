import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Writes the members and incomes templates for the households an actor may read, optionally
/// under one unit. Full ID and phone numbers leave the system here, so every export is audited.
enum RegistryExport {
    enum Kind: String, Sendable { case members, incomes }

    /// Why data leave the system: required for every export, kept in the audit entry.
    static func validReason(_ raw: String?) throws -> String {
        let reason = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AppError.missingField("reason") }
        guard reason.count <= 500 else { throw AppError.invalidField("reason") }
        return reason
    }

    /// What the templates need of a household and of a member, read as rows.
    struct ExportHousehold: Decodable {
        let id: RowID<Household>, number: String, village_code: String, attribute: String, main_cause: String,
            other_causes: String
        let identified_year: Int, status: String, exit_year: Int?, phone_cipher: String?, phone_masked: String?
        static let columns = [
            "id", "number", "village_code", "attribute", "main_cause", "other_causes", "identified_year", "status",
            "exit_year", "phone_cipher", "phone_masked",
        ]
    }

    struct ExportMember: Decodable {
        let household_id: RowID<Household>, name: String, id_cipher: String, id_masked: String, relation: String,
            ethnicity: String
        let education: String, schooling: String, health: String, disability_grade: Int?, labour: String,
            migrant_months: Int
        static let columns = [
            "household_id", "name", "id_cipher", "id_masked", "relation", "ethnicity", "education", "schooling",
            "health", "disability_grade", "labour", "migrant_months",
        ]
    }

    /// The stored raw value shown as the template's official text.
    static func label<T: OfficialValue>(_ type: T.Type, _ raw: String) -> String { T(rawValue: raw)?.label ?? raw }
}
