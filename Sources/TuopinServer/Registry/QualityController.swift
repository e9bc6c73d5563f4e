import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The problems page: data-quality findings per code and per unit below, and the households
/// concerned, for the user's scope.
enum QualityController {
    struct CodeRow: Encodable { let code: String; let label: String; let count: Int; let blocking: Bool }
    struct UnitRow: Encodable { let name: String; let href: String; let count: Int }
    struct HouseholdRow: Encodable { let number: String; let href: String; let codes: String }
    struct View: Encodable {
        let unitName: String; let unitCode: String; let codes: [CodeRow]; let children: [UnitRow]
        let households: [HouseholdRow]; let hasFindings: Bool; let checkedAt: String?; let canRecheck: Bool
        let recheckAction: String; let hasChildren: Bool
    }

    static func unit(_ req: Request, user: CurrentUser) throws -> OrgCode {
        guard let raw = req.query[String.self, at: "unit"] else {
            guard let home = user.scope.homeUnit else { throw AppError.forbidden }
            return home
        }
        guard let code = OrgCode(raw) else { throw AppError.invalidField("unit") }
        return code
    }

    static func query(_ data: DataAccess, unit code: OrgCode, t: Translations) async throws -> View {
        let unit = try await data.unit(code)
        guard data.mayReadRegistry else { throw AppError.forbidden }
        let roots = data.scope.roots(for: .readRegistry)
        let counts = try await QualityService.counts(on: data, unit: code, roots: roots)
        let codes = QualityCode.allCases.map {
            CodeRow(code: $0.rawValue, label: t[$0.labelKey], count: counts[$0] ?? 0, blocking: $0.isBlocking)
        }
        var children: [UnitRow] = []
        if let childLevel = code.level.child {
            let byCode = try await data.qualityFindingsByChild(of: code, level: childLevel, roots: roots)
            let names = try await data.children(of: code)
            children = names.map {
                UnitRow(name: $0.name, href: SiteURL.quality.path + "?unit=\($0.id!)", count: byCode[$0.id!] ?? 0)
            }
        }
        let listed = try await QualityService.households(on: data, unit: code, roots: roots, limit: 100)
        let numberBy = try await data.householdNumbers(listed.map(\.0))
        let households = listed.map {
            HouseholdRow(
                number: numberBy[$0.0] ?? "", href: SiteURL.household($0.0).path, codes: $0.1.joined(separator: " "))
        }
        let run = try await data.lastQualityRun()
        return View(
            unitName: unit.name, unitCode: code.value, codes: codes, children: children, households: households,
            hasFindings: counts.values.contains { $0 > 0 }, checkedAt: run.map(Clock.minute),
            canRecheck: code.level >= .county, recheckAction: SiteURL.qualityCheck.path + "?unit=\(code.value)",
            hasChildren: !children.isEmpty)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await Page.render(req, "quality", query(req.data, unit: try unit(req, user: user), t: req.t))
    }

    /// Re-checks one county, township or village now (larger units: `tuopin check --quality`).
    @Sendable static func recheck(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = try unit(req, user: user)
        _ = try await req.data.unit(code)
        guard req.data.mayReadRegistry, code.level >= .county else { throw AppError.forbidden }
        _ = try await req.withProgress {
            try await QualityService.checkAll(app: req.application, unit: code, progress: $0)
        }
        return req.redirect(to: "/quality?unit=\(code.value)", redirectType: .normal)
    }
}
