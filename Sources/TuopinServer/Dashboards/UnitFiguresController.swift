import Fluent
import Foundation
import TuopinCore
import Vapor

/// Figures the exit and identification workflows read from units: a village's registered rural
/// population (kept by its county) and a county's identification quota for a year (set by region HQ).
enum UnitFiguresController {
    struct PopulationInput: Content { var rural_population: Int? }
    struct PopulationView: Content { let code: String; let rural_population: Int?; let version: Int }

    static func setPopulation(_ req: Request, code text: String, input: PopulationInput) async throws -> PopulationView
    {
        guard let population = input.rural_population else { throw AppError.missingField("rural_population") }
        return try await setPopulation(
            app: req.application, user: try req.requireUser(), code: text, population: population)
    }

    static func setPopulation(app: Application, user: CurrentUser, code text: String, population: Int) async throws
        -> PopulationView
    {
        guard let code = OrgCode(text), code.level == .village else { throw AppError.notFound }
        guard user.scope.permitsAggregates(on: code) else { throw AppError.notFound }
        guard user.scope.permits(.keepVillageFigures, on: code) else { throw AppError.forbidden }
        guard (0...1_000_000).contains(population) else { throw AppError.invalidField("rural_population") }
        let now = app.tuopin.now()
        return try await app.write { tx in
            guard let unit = try await tx.lookup(OrgUnit.self, code.value) else { throw AppError.notFound }
            let before = unit.ruralPopulation
            unit.ruralPopulation = population; unit.version += 1
            try await unit.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "unit.rural_population", entity: "org_unit",
                entityID: code.value,
                before: ["rural_population": before.map(String.init) ?? ""],
                after: ["rural_population": String(population)], at: now)
            return PopulationView(code: code.value, rural_population: population, version: unit.version)
        }
    }

    @Sendable static func apiPopulation(req: Request) async throws -> PopulationView {
        try await setPopulation(
            req, code: req.parameters.get("code") ?? "", input: try req.decodeJSON(PopulationInput.self))
    }

    @Sendable static func formPopulation(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        _ = try await setPopulation(req, code: code, input: try req.content.decode(PopulationInput.self))
        return req.redirect(to: SiteURL.unit(code).path, redirectType: .normal)
    }

    struct QuotaInput: Content { var quota: Int?; var exemption: String? }
    struct QuotaView: Content {
        let county_code: String; let year: Int; let quota: Int; let exemption: String; let approved: Int;
        let version: Int
    }

    @Sendable static func apiQuota(req: Request) async throws -> QuotaView {
        let input = try req.decodeJSON(QuotaInput.self)
        guard let quota = input.quota else { throw AppError.missingField("quota") }
        return try await setQuota(
            app: req.application, user: try req.requireUser(), county: req.parameters.get("code") ?? "",
            year: try req.intParameter("year"), quota: quota, exemption: input.exemption ?? "")
    }

    static func setQuota(
        app: Application, user: CurrentUser, county text: String, year: Int, quota: Int, exemption rawExemption: String
    ) async throws -> QuotaView {
        guard let code = OrgCode(text), code.level == .county else { throw AppError.notFound }
        guard (2014...2100).contains(year) else { throw AppError.invalidField("year") }
        guard user.scope.permitsAggregates(on: code) else { throw AppError.notFound }
        guard user.scope.permits(.setQuotas, on: code) else { throw AppError.forbidden }
        guard (0...1_000_000).contains(quota) else { throw AppError.invalidField("quota") }
        let exemption = rawExemption.trimmingCharacters(in: .whitespacesAndNewlines)
        guard exemption.count <= 200 else { throw AppError.invalidField("exemption") }
        let now = app.tuopin.now()
        return try await app.write { tx in
            let existing = try await tx.rows(IdentificationQuota.self).filter(\.$countyCode == code.value).filter(
                \.$year == year
            ).first()
            let row = existing ?? IdentificationQuota()
            let before = existing.map { ["quota": String($0.quota), "exemption": $0.exemption] }
            row.countyCode = code.value; row.year = year; row.quota = quota; row.exemption = exemption
            row.version = (existing?.version ?? 0) + 1
            try await row.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "quota.set", entity: "org_unit", entityID: code.value,
                before: before, after: ["year": String(year), "quota": String(quota), "exemption": exemption], at: now)
            let approved = try await CaseFigures.approvedIdentifications(on: tx, county: code.value, year: year)
            return QuotaView(
                county_code: code.value, year: year, quota: quota, exemption: exemption, approved: approved,
                version: row.version)
        }
    }

    // MARK: Spot checks

    @Sendable static func apiDrawSpotCheck(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id = try await SpotCheckService.draw(
            app: req.application, user: user, input: try req.decodeJSON(SpotCheckService.DrawInput.self))
        return try await req.data.spotCheckSummary(id: id).encodeResponse(status: .created, for: req)
    }

    @Sendable static func apiSpotCheck(req: Request) async throws -> SpotCheckService.Summary {
        _ = try req.requireUser()
        return try await req.data.spotCheckSummary(id: try req.intParameter("id"))
    }

    @Sendable static func apiSpotCheckResult(req: Request) async throws -> SpotCheckService.Summary {
        let user = try req.requireUser()
        let id: RowID<SpotCheckRecord> = try req.intParameter("id")
        try await SpotCheckService.record(
            app: req.application, user: user, checkID: id, caseID: try req.intParameter("case"),
            input: try req.decodeJSON(SpotCheckService.ResultInput.self))
        return try await req.data.spotCheckSummary(id: id)
    }
}
