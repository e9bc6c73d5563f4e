import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The 责任落实 page of a unit (its own violations and its children's counts by rule, drillable to
/// the village, with the unit's principals), the same through the API, and the pairing forms.
enum ComplianceController {
    struct Row: Content {
        let id: RowID<ViolationRecord>; let rule: String; let article: Int; let unit_code: String; let subject: String;
        let text: String
        let href: String?; let first_seen: String
    }
    struct ChildRow: Encodable {
        let code: String; let name: String; let href: String; let counts: [Int]; let total: Int
    }
    struct Principal: Encodable { let role: String; let name: String }
    /// `article`: the articles the rule checks, as shown ("12、17").
    struct RuleTotal: Encodable {
        let id: String; let title: String; let article: String; let count: Int
        /// The local-practice numbers the rule's verdict also rests on (the rest is the article's).
        var practices: [Practice] = []
    }
    struct Practice: Encodable { let label: String; let href: String }
    static func practices(_ rule: RuleID, _ t: Translations) -> [Practice] {
        LocalPractice.keys(for: rule).map {
            Practice(label: t[$0.labelKey], href: SiteURL.standards.path + "#practice-" + $0.rawValue)
        }
    }
    struct Report: Content {
        let unit_code: String; let unit_name: String; let rules: [String]; let total_by_rule: [Int]
        let violations: [Row]; let truncated: Bool
    }

    static let listLimit = 300

    /// Open violations under `code` (scope-checked), counted by rule, and those of the unit itself.
    static func report(_ req: Request, code text: String) async throws -> (Report, OrgUnit, [ChildRow]) {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        let counts = try await req.data.openViolationCounts(under: code)
        let rules = ComplianceRules.all.map(\.id.rawValue)
        let totals = rules.map { r in counts.filter { $0.rule == r }.map(\.n).reduce(0, +) }
        var children: [ChildRow] = []
        if code.level.child != nil {
            for child in try await req.data.children(of: code) {
                let mine = counts.filter { $0.unit_code.hasPrefix(child.id!) }
                let byRule = rules.map { r in mine.filter { $0.rule == r }.map(\.n).reduce(0, +) }
                children.append(
                    ChildRow(
                        code: child.id!, name: child.name, href: SiteURL.unitCompliance(child.id!).path,
                        counts: byRule, total: byRule.reduce(0, +)))
            }
        }
        let own = try await req.data.rows(ViolationRecord.self).filter(\.$resolvedAt == nil).filter(
            \.$unitCode == code.value
        )
        .sort(\.$rule).sort(\.$id).limit(listLimit + 1).all()
        let t = req.t
        let rows = own.prefix(listLimit).map { v in
            Row(
                id: v.id!, rule: v.rule, article: RuleID(rawValue: v.rule)?.article ?? v.article,
                unit_code: v.unitCode, subject: v.subject,
                text: t.format(
                    "rule_\(v.rule)",
                    arguments: v.details.split(separator: ComplianceService.separator, omittingEmptySubsequences: false)
                        .map(String.init)),
                href: href(v.subject, unit: v.unitCode), first_seen: Clock.minute(v.firstSeen))
        }
        return (
            Report(
                unit_code: code.value, unit_name: unit.name, rules: rules, total_by_rule: totals,
                violations: Array(rows),
                truncated: own.count > listLimit), unit, children
        )
    }

    static func href(_ subject: String, unit: String) -> String? {
        let parts = subject.split(separator: ":")
        // Letters, reports, plans and principal changes are kept on the unit's responsibility page.
        if ["letter", "report", "plan", "principal_change"].contains(parts.first ?? "") {
            return SiteURL.unitPart(unit, "responsibility").path
        }
        // A township short of 扶贫专干 (raised on its county): the township's page, where cadres are added.
        if parts.first == "township", parts.count == 2 {
            return SiteURL.unitPart(String(parts[1]), "responsibility").path
        }
        // Money: the unit's ledger.
        if ["funds", "aid", "aid_county", "aid_livelihood", "allocation"].contains(parts.first ?? "") {
            return SiteURL.unitPart(unit, "funds").path
        }
        guard parts.count == 2, let id = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "household": return SiteURL.household(RowID(id)).path
        case "project": return SiteURL.project(RowID(id), nil).path
        default: return nil
        }
    }

    @Sendable static func page(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let (report, unit, children) = try await report(req, code: req.parameters.get("code") ?? "")
        let t = req.t
        let cadres = try await req.data.rows(Cadre.self).filter(
            \.$id ~~ [unit.secretaryID, unit.headID].compactMap { $0 }
        ).all()
        let principals = [("principal_secretary", unit.secretaryID), ("principal_head", unit.headID)].compactMap {
            key, id in
            cadres.first { $0.id == id }.map { Principal(role: t[key], name: "\($0.name)（\($0.positionLabel(t))）") }
        }
        // The lower units' table shows only the rules with a finding in some lower unit (28 columns of
        // zeros made the units' names one character wide); each heading names its rule.
        let shown = report.rules.indices.filter { i in children.contains { $0.counts[i] > 0 } }
        let childRules = shown.map { i in
            RuleTotal(
                id: report.rules[i], title: t[ComplianceRules.all[i].id.titleKey],
                article: ComplianceRules.all[i].id.articlesText, count: children.map { $0.counts[i] }.reduce(0, +))
        }
        let childRows = children.map { c in
            ChildRow(code: c.code, name: c.name, href: c.href, counts: shown.map { c.counts[$0] }, total: c.total)
        }
        struct View: Encodable {
            let report: Report; let children: [ChildRow]; let principals: [Principal]; let childRules: [RuleTotal]
            let ruleTotals: [RuleTotal]
            let unitHref: String; let parentHref: String?; let total: Int
            /// The assignment helper, where households under the unit wait for a pairing cadre (R-37-2).
            let proposalsHref: String?
        }
        let parent = OrgCode(unit.id!)?.parent
        let scopeAllowsParent =
            parent.map { req.auth.get(CurrentUser.self)?.scope.permitsAggregates(on: $0) ?? false } ?? false
        return try await Page.render(
            req, "compliance",
            View(
                report: report, children: childRows, principals: principals, childRules: childRules,
                ruleTotals: ComplianceRules.all.enumerated().map { i, r in
                    RuleTotal(
                        id: r.id.rawValue, title: t[r.id.titleKey], article: r.id.articlesText,
                        count: report.total_by_rule[i], practices: practices(r.id, t))
                }, unitHref: SiteURL.unit(unit.id!).path,
                parentHref: scopeAllowsParent ? parent.map { SiteURL.unitCompliance($0.value).path } : nil,
                total: report.total_by_rule.reduce(0, +),
                proposalsHref: (OrgCode(unit.id!)?.level ?? .region) >= .county
                    && (report.total_by_rule[report.rules.firstIndex(of: RuleID.r37_2.rawValue) ?? 0]) > 0
                    ? SiteURL.unitPart(unit.id!, "pairing-proposals").path : nil))
    }

    @Sendable static func apiReport(req: Request) async throws -> Report {
        _ = try req.requireUser()
        return try await report(req, code: req.parameters.get("code") ?? "").0
    }

    // MARK: Pairing

    struct PairForm: Content { let cadre_id: RowID<Cadre>?; let started_on: String? }
    struct EndForm: Content { let ended_on: String?; let end_reason: String? }

    @Sendable static func pairForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await HouseholdFormsController.run(req) {
            let form = try req.content.decode(PairForm.self)
            guard let cadre = form.cadre_id else { throw AppError.missingField("cadre_id") }
            _ = try await PairingService.pair(
                app: req.application, user: user, householdID: try req.intParameter("id"), cadreID: cadre,
                startedOn: form.started_on ?? "")
        }
    }

    @Sendable static func endForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let pairingID: RowID<Pairing> = try req.intParameter("id")
        return try await FormFlow.submit(req) {
            let form = try req.content.decode(EndForm.self)
            let household = try await PairingService.end(
                app: req.application, user: user, pairingID: pairingID,
                endedOn: form.ended_on ?? "", reason: form.end_reason ?? "")
            return .redirect(SiteURL.household(household).path)
        } orShow: { refusal in
            // Shown on the household page of the pairing (the service found it, or it would have said not found).
            guard let p = try await req.data.lookup(Pairing.self, pairingID) else { throw AppError.notFound }
            req.parameters.set("id", to: String(p.householdID))
            return try await HouseholdController.page(req, formError: refusal.message)
        }
    }

    @Sendable static func apiPairings(req: Request) async throws -> [PairingService.View] {
        _ = try req.requireUser()
        let h = try await req.data.household(id: try req.intParameter("id"))
        return try await PairingService.pairings(of: h.requireID(), on: req.data, t: req.t)
    }

    struct PairBody: Content { let cadre_id: RowID<Cadre>; let started_on: String }
    struct EndBody: Content { let ended_on: String; let end_reason: String }
    struct Created: Content { let id: RowID<Pairing> }

    @Sendable static func apiPair(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let body = try req.decodeJSON(PairBody.self, keys: ["cadre_id", "started_on"])
        let id = try await PairingService.pair(
            app: req.application, user: user, householdID: try req.intParameter("id"),
            cadreID: body.cadre_id, startedOn: body.started_on)
        return try await Created(id: id).encodeResponse(status: .created, for: req)
    }

    @Sendable static func apiEnd(req: Request) async throws -> [PairingService.View] {
        let user = try req.requireUser()
        let body = try req.decodeJSON(EndBody.self, keys: ["ended_on", "end_reason"])
        let household = try await PairingService.end(
            app: req.application, user: user, pairingID: try req.intParameter("id"),
            endedOn: body.ended_on, reason: body.end_reason)
        return try await PairingService.pairings(of: household, on: req.data, t: req.t)
    }

    // MARK: The assignment helper

    @Sendable static func proposalsPage(req: Request) async throws -> Response {
        try await proposalsPage(req, formError: nil)
    }

    static func proposalsPage(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? ""), code.level >= .county else {
            throw AppError.notFound
        }
        let unit = try await req.data.unit(code)
        guard user.scope.permits(.readRegistry, on: code) else { throw AppError.forbidden }
        struct View: Encodable {
            let unitName: String; let code: String; let proposals: [PairingService.ProposalView]; let mayApply: Bool;
            let formError: String?
            let limit: Int; let complianceHref: String
        }
        return try await Page.render(
            req, "pairing-proposals",
            View(
                unitName: unit.name, code: code.value,
                proposals: try await PairingService.proposals(for: code, on: req.data, t: req.t),
                mayApply: user.scope.permits(.writeRegistry, on: code), formError: formError,
                limit: PairingService.proposalLimit,
                complianceHref: SiteURL.unitCompliance(code.value).path))
    }

    struct ApplyForm: Content { var pair: [String]? }

    @Sendable static func applyProposals(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        return try await FormFlow.submit(req) {
            let form = try req.content.decode(ApplyForm.self)
            let pairs = try (form.pair ?? []).map { text -> (household: RowID<Household>, cadre: RowID<Cadre>) in
                let parts = text.split(separator: ":")
                guard parts.count == 2, let h = Int(parts[0]).map(RowID<Household>.init(rawValue:)),
                    let c = Int(parts[1]).map(RowID<Cadre>.init(rawValue:))
                else {
                    throw AppError.invalidField("pair")
                }
                return (h, c)
            }
            _ = try await PairingService.apply(app: req.application, user: user, pairs: pairs)
            return .redirect(SiteURL.unitPart(code, "pairing-proposals").path)
        } orShow: { refusal in
            return try await proposalsPage(req, formError: refusal.message)
        }
    }
}
