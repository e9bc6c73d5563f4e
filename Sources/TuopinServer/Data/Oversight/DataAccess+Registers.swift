import Fluent
import SQLKit
import TuopinCore
import Vapor

extension DataAccess {
    /// An oversight case the user may see: the discipline, procuratorate and audit bodies over its unit.
    func oversightCase(id: RowID<OversightCase>) async throws -> OversightCase {
        guard let c = try await OversightCase.find(id, on: db), let code = OrgCode(c.unitCode),
            scope.permits(.handleOversightCases, on: code)
        else {
            throw AppError.notFound
        }
        return c
    }

    /// Oversight cases of units in the user's audit scope, newest first.
    func oversightCases() async throws -> [OversightCase] {
        try await OversightCase.query(on: db).filter(
            .sql(ScopeSQL.under(scope.roots(for: .handleOversightCases), column: "unit_code"))
        )
        .sort(\.$id, .descending).all()
    }

    /// Disputes of the townships under `code`, newest first.
    func disputes(under code: OrgCode) async throws -> [DisputeRecord] {
        _ = try await unit(code)
        return try await DisputeRecord.query(on: db).filter(\.$townshipCode, .custom("LIKE"), code.value + "%").sort(
            \.$id, .descending
        ).all()
    }

    /// Rewards and penalties of units under `code`, newest first.
    func sanctions(under code: OrgCode) async throws -> [SanctionRecord] {
        _ = try await unit(code)
        return try await SanctionRecord.query(on: db).filter(\.$unitCode, .custom("LIKE"), code.value + "%").sort(
            \.$decidedOn, .descending
        ).sort(\.$id, .descending).all()
    }

    /// Surveys of the unit and those under it, newest first.
    func surveys(under code: OrgCode) async throws -> [SurveyRecord] {
        _ = try await unit(code)
        return try await SurveyRecord.query(on: db).filter(\.$unitCode, .custom("LIKE"), code.value + "%").sort(
            \.$year, .descending
        ).sort(\.$id, .descending).all()
    }
}
