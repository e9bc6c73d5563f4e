import Fluent
import SQLKit
import TuopinCore
import Vapor

extension DataAccess {
    // MARK: Inspections

    /// An inspection the user may see: their scope covers the inspecting unit, one of its targets,
    /// or the unit of one of its findings (a township sees the county's inspection that found against it).
    func inspection(id: RowID<InspectionRecord>) async throws -> InspectionRecord {
        guard let i = try await InspectionRecord.find(id, on: db) else { throw AppError.notFound }
        if maySee(i) { return i }
        let units = try await FindingRecord.query(on: db).filter(\.$inspectionID == id).all().map(\.unitCode)
        guard units.contains(where: { OrgCode($0).map { scope.permitsAggregates(on: $0) } ?? false }) else {
            throw AppError.notFound
        }
        return i
    }

    func maySee(_ i: InspectionRecord) -> Bool {
        seesAll(of: i) || i.targetCodes.compactMap { OrgCode($0) }.contains { scope.permitsAggregates(on: $0) }
    }

    /// Whether the user sees all of the inspection's findings (they see the inspecting unit), or only those of units in
    /// their scope.
    func seesAll(of i: InspectionRecord) -> Bool {
        OrgCode(i.unitCode).map { scope.permitsAggregates(on: $0) } ?? false
    }

    /// The inspection's findings the user may see.
    func findings(of i: InspectionRecord) async throws -> [FindingRecord] {
        let all = try await FindingRecord.query(on: db).filter(\.$inspectionID == i.requireID()).sort(\.$id).all()
        return seesAll(of: i)
            ? all : all.filter { OrgCode($0.unitCode).map { scope.permitsAggregates(on: $0) } ?? false }
    }

    /// A finding the user may see (its unit, or the inspecting unit, is in their scope), with its inspection.
    func finding(id: RowID<FindingRecord>) async throws -> (FindingRecord, InspectionRecord) {
        guard let f = try await FindingRecord.find(id, on: db),
            let i = try await InspectionRecord.find(f.inspectionID, on: db),
            seesAll(of: i) || (OrgCode(f.unitCode).map { scope.permitsAggregates(on: $0) } ?? false)
        else { throw AppError.notFound }
        return (f, i)
    }

    /// Inspections that concern `code`: made by it or a unit under it, aimed at a unit under it, or
    /// with findings against one (newest first).
    func inspections(concerning code: OrgCode) async throws -> [InspectionRecord] {
        _ = try await unit(code)
        let pattern = code.value + "%"
        return try await InspectionRecord.query(on: db).group(.or) { g in
            g.filter(\.$unitCode, .custom("LIKE"), pattern)
            g.filter(.sql(SQLBinaryExpression(SQLRaw("(',' || targets)"), .like, SQLBind("%," + pattern))))
            g.filter(
                .sql(
                    SQLQueryString(
                        """
                        EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = inspections.id \
                        AND f.unit_code LIKE \(bind: pattern))
                        """
                    )))
        }.sort(\.$startedOn, .descending).sort(\.$id, .descending).all()
    }
}
