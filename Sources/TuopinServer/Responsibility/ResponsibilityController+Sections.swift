import Fluent
import Foundation
import TuopinCore
import Vapor

/// The sections of a unit's responsibility page: its village actors, progress reports and plans.
extension ResponsibilityController {
    static func villageActors(on db: DataAccess, code: OrgCode, t: Translations) async throws -> (
        [LeaderView], [JointUnitView], [AidView]
    ) {
        guard code.level == .village else { return ([], [], []) }
        let leaders = try await db.rows(PartyLeader.self).filter(\.$villageCode == code.value).filter(\.$active == true)
            .sort(\.$id).all()
        let ids = leaders.compactMap(\.id)
        let projects = Dictionary(
            grouping: try await db.rows(LeaderProject.self).filter(\.$leaderID ~~ ids).sort(\.$id).all(), by: \.leaderID
        )
        let trainings = Dictionary(
            grouping: try await db.rows(LeaderTraining.self).filter(\.$leaderID ~~ ids).all(), by: \.leaderID)
        let links = Dictionary(
            grouping: try await db.rows(LeaderBeneficiary.self).filter(\.$leaderID ~~ ids).all(), by: \.leaderID)
        let rising = Dictionary(
            uniqueKeysWithValues: try await VillageActorsService.leaderFacts(on: db, root: code).map {
                ($0.id, $0.risingPeople)
            })
        let leaderViews = leaders.map { l in
            LeaderView(
                id: l.id!, name: l.name,
                projects: (projects[l.id!] ?? []).map {
                    ProjectView(name: $0.name, started_on: $0.startedOn.description)
                },
                trainings: trainings[l.id!]?.count ?? 0,
                last_training: trainings[l.id!]?.map(\.heldOn).max()?.description,
                linked_people: links[l.id!]?.count ?? 0, rising_people: rising[l.id!.rawValue] ?? 0)
        }
        let units = try await db.rows(JointUnit.self).filter(\.$villageCode == code.value).sort(\.$id).all()
        let members = try await db.rows(JointUnitMember.self).filter(\.$jointUnitID ~~ units.compactMap(\.id)).all()
        let numbers = Dictionary(
            uniqueKeysWithValues: try await db.rows(Household.self)
                .filter(\.$id ~~ Array(Set(members.map(\.householdID) + units.map(\.headHouseholdID)))).all().map {
                    ($0.id!, $0.number)
                })
        let jointViews = units.map { u in
            JointUnitView(
                id: u.id!, name: u.name, head: numbers[u.headHouseholdID] ?? "",
                members: members.filter { $0.jointUnitID == u.id }.compactMap { numbers[$0.householdID] }.sorted())
        }
        let aid = try await db.rows(EnterpriseAid.self).filter(\.$villageCode == code.value).sort(\.$id).all()
        let orgs = Dictionary(
            uniqueKeysWithValues: try await db.rows(Organisation.self).filter(\.$id ~~ aid.map(\.organisationID)).all()
                .map { ($0.id!, $0.name) })
        let contributions = Dictionary(
            grouping: try await db.rows(AidContribution.self).filter(\.$aidID ~~ aid.compactMap(\.id)).sort(
                \.$contributedOn
            ).all(), by: \.aidID)
        let aidViews = aid.map { a in
            let list = contributions[a.id!] ?? []
            return AidView(
                id: a.id!, enterprise: orgs[a.organisationID] ?? "", started_on: a.startedOn.description,
                contributions: list.map { c in
                    ContributionView(
                        contributed_on: c.contributedOn.description, kind: c.kind,
                        kind_label: t["contribution_\(c.kind)"],
                        amount: Money(fen: c.amount).description, description: c.description)
                }, total: Money(fen: list.map(\.amount).reduce(0, +)).description)
        }
        return (leaderViews, jointViews, aidViews)
    }

    /// The unit's reports of this year and last by the schedule, then older ones it submitted.
    static func reports(on db: DataAccess, code: OrgCode, schedule: ReportSchedule, today: CivilDate, t: Translations)
        async throws -> [ReportView]
    {
        let submitted = Dictionary(
            try await db.rows(ProgressReportRecord.self).filter(\.$unitCode == code.value).all().map { ($0.period, $0) }
        ) { a, _ in a }
        let decoder = JSONDecoder()
        var reports = schedule.periods(level: code.level, from: today.year - 1, through: today).map { p in
            let r = submitted[p.label]
            let standing = ReportStanding.of(p, submittedOn: r?.submittedOn, today: today)
            return ReportView(
                period: p.label, due_on: p.due.description, standing: standing.rawValue,
                standing_label: t[standing.labelKey],
                submitted_on: r?.submittedOn.description,
                figures: r.flatMap {
                    try? decoder.decode(ResponsibilityService.ReportFigures.self, from: Data($0.figures.utf8))
                },
                narrative: r?.narrative)
        }
        // Reports of older periods (or of a schedule since changed) stay visible.
        let shown = Set(reports.map(\.period))
        for r in submitted.values.filter({ !shown.contains($0.period) }).sorted(by: { $0.period > $1.period }) {
            let standing = ReportStanding.of(due: r.dueOn, submittedOn: r.submittedOn, today: today)
            reports.append(
                ReportView(
                    period: r.period, due_on: r.dueOn.description, standing: standing.rawValue,
                    standing_label: t[standing.labelKey],
                    submitted_on: r.submittedOn.description,
                    figures: try? decoder.decode(ResponsibilityService.ReportFigures.self, from: Data(r.figures.utf8)),
                    narrative: r.narrative))
        }
        return reports
    }

    /// The unit's plans, newest first, with what was achieved for annual plans that have begun.
    static func plans(on db: DataAccess, code: OrgCode, today: CivilDate, t: Translations) async throws -> [PlanView] {
        var plans: [PlanView] = []
        for p in try await db.rows(UnitPlanRecord.self).filter(\.$unitCode == code.value).sort(
            \.$periodFrom, .descending
        ).sort(\.$kind).all() {
            let actuals =
                p.kind == .annual && p.periodFrom <= today.year
                ? try await ResponsibilityService.actuals(on: db, unit: code, year: p.periodFrom) : nil
            plans.append(
                PlanView(
                    id: p.id!, kind: p.kind.rawValue, kind_label: t[p.kind.labelKey], title: p.title,
                    period_from: p.periodFrom,
                    period_to: p.periodTo, target_households: p.targetHouseholds, target_people: p.targetPeople,
                    target_villages: p.targetVillages, target_counties: p.targetCounties,
                    target_funds: Money(fen: p.targetFunds).description,
                    approved_on: p.approvedOn.description, actuals: actuals))
        }
        return plans
    }
}
