import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `AssessmentService` (the data layer, issue #23).
extension AssessmentService {
    /// The inputs of a unit's computed indicators for `year`, read on `today`.
    static func inputs(
        on db: DataAccess, unit: OrgCode, year: Int, today: CivilDate,
        schedule given: ReportSchedule? = nil
    ) async throws -> AssessmentInputs {
        let sql = db.sqlDatabase, p = unit.value + "%"
        struct N: Decodable { let n: Int? }
        struct Pair: Decodable { let a: Int?; let b: Int? }
        func count(_ q: SQLQueryString) async throws -> Int { try await sql.raw(q).first(decoding: N.self)?.n ?? 0 }
        var i = AssessmentInputs(); (i.returned, i.exitedHouseholds) = try await returns(on: db, unit: unit, year: year)
        let applicant = HouseholdStatus.applicant.rawValue
        let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor).map(\.rawValue)
        i.exits = try await count(
            """
            SELECT COUNT(*) AS n FROM households WHERE \(ScopeSQL.within([unit])) AND exit_year = \(bind: year) \
            AND status <> \(bind: applicant)
            """
        )
        struct Target: Decodable { let target_households: Int }
        i.targetHouseholds = try await sql.select().column("target_households").from(LetterRecord.schema).where(
            "unit_code", .equal, SQLBind(unit.value)
        )
        .where("year", .equal, SQLBind(year)).where("state", .notEqual, SQLBind(LetterState.draft.rawValue)).first(
            decoding: Target.self)?.target_households
        for (workflow, set) in [(Workflows.identification.id, 0), (Workflows.householdExit.id, 1)] {
            let r = try await sql.raw(
                """
                SELECT COUNT(*) AS a, \(DataAccess.bigintSum("CASE WHEN i.result = 'passed' THEN 1 ELSE 0 END")) AS b
                FROM spot_check_items i JOIN spot_checks s ON s.id = i.check_id
                WHERE s.county_code LIKE \(bind: p) AND s.year = \(bind: year) AND s.workflow = \(bind: workflow) AND \
                i.result IS NOT NULL
                """
            ).first(decoding: Pair.self)
            if set == 0 {
                i.identificationChecked = r?.a ?? 0; i.identificationPassed = r?.b ?? 0
            } else {
                i.exitChecked = r?.a ?? 0; i.exitPassed = r?.b ?? 0
            }
        }
        // The year's surveys of the unit and those under it, taken together.
        i.survey = try await db.rows(SurveyRecord.self).filter(\.$unitCode, .custom("LIKE"), p).filter(\.$year == year)
            .sort(\.$id).all()
            .map(\.result).reduce(nil) { total, s in total.map { $0 + s } ?? s }
        // Money that reached the unit and those below it (and their projects), and what was spent of it:
        // received less passed on, summed over the subtree, is what was spent plus what is still held.
        struct Money: Decodable { let spent: Int64?; let held: Int64? }
        let money = try await sql.raw(
            """
            SELECT \(DataAccess.bigintSum("spent")) AS spent, \(DataAccess.bigintSum("received - allocated")) AS held \
            FROM fund_accounts
            WHERE year = \(bind: year) AND (holder LIKE \(bind: "u:" + p)
              OR holder IN (SELECT 'p:' || CAST(id AS TEXT) FROM projects WHERE site_code LIKE \(bind: p)))
            """
        ).first(decoding: Money.self)
        i.fundsSpent = money?.spent ?? 0; i.fundsHeld = money?.held ?? 0
        (i.findingsDue, i.findingsOnTime) = try await findingsDue(on: db, unit: unit, year: year, today: today)
        i.openViolations = try await count(
            "SELECT COUNT(*) AS n FROM violations WHERE unit_code LIKE \(bind: p) AND resolved_at IS NULL")
        let paired =
            "CASE WHEN EXISTS (SELECT 1 FROM pairings x WHERE x.household_id = households.id AND x.ended_on IS NULL) "
            + "THEN 1 ELSE 0 END"
        let pairing = try await sql.raw(
            """
            SELECT COUNT(*) AS a, \
            \(DataAccess.bigintSum(paired)) AS b
            FROM households WHERE \(ScopeSQL.within([unit])) AND status IN (\(binds: poor))
            """
        ).first(decoding: Pair.self)
        i.poorHouseholds = pairing?.a ?? 0; i.pairedPoorHouseholds = pairing?.b ?? 0
        try await chainInputs(on: db, unit: unit, year: year, today: today, schedule: given, into: &i)
        i.households = try await count(
            "SELECT COUNT(*) AS n FROM households WHERE \(ScopeSQL.within([unit])) AND status <> \(bind: applicant)")
        i.householdsWithFindings = try await count(
            """
            SELECT COUNT(DISTINCT q.household_id) AS n FROM quality_findings q JOIN households h ON h.id = \
            q.household_id
            WHERE q.\(unsafeRaw: Household.codeColumn(for: unit.level == .region ? .prefecture : unit.level)) LIKE \
            \(bind: p) AND h.status <> \(bind: applicant)
            """)
        return i
    }

    /// Letters owed and signed, and progress reports due and on time, for the unit and the units
    /// below it down to townships.
    static func chainInputs(
        on db: DataAccess, unit: OrgCode, year: Int, today: CivilDate, schedule given: ReportSchedule?,
        into i: inout AssessmentInputs
    ) async throws {
        let sql = db.sqlDatabase, p = unit.value + "%"
        struct N: Decodable { let n: Int? }
        func count(_ q: SQLQueryString) async throws -> Int { try await sql.raw(q).first(decoding: N.self)?.n ?? 0 }
        // Letters owed for the year by the unit and the units below it down to townships.
        struct Unit: Decodable { let code: String }
        let chain = try await sql.select().column("code").from(OrgUnit.schema).where("code", .like, SQLBind(p))
            .where("level", .lessThanOrEqual, SQLBind(OrgLevel.township.rawValue)).all(decoding: Unit.self).compactMap {
                OrgCode($0.code)
            }
        let owing = chain.filter { ResponsibilityChain.letterRule(for: $0.level) != nil }
        i.lettersOwed = owing.count
        i.lettersSigned = try await count(
            """
            SELECT COUNT(*) AS n FROM responsibility_letters WHERE unit_code LIKE \(bind: p) AND year = \(bind: year) \
            AND state <> \(bind: LetterState.draft.rawValue)
            """)
        // Progress reports due in the year (by today) and those submitted by their due date.
        let schedule = if let given { given } else { try await ResponsibilityService.schedule(on: db) }
        struct Report: Decodable { let unit_code: String; let period: String; let submitted_on: String }
        let submitted = Dictionary(
            try await sql.select().columns("unit_code", "period", "submitted_on").from(ProgressReportRecord.schema)
                .where("unit_code", .like, SQLBind(p)).all(decoding: Report.self).map {
                    ("\($0.unit_code)|\($0.period)", $0.submitted_on)
                }
        ) { a, _ in a }
        for u in chain {
            for period in schedule.periods(level: u.level, year: year) where period.due <= today {
                i.reportsDue += 1
                if let on = submitted["\(u.value)|\(period.label)"].flatMap({ CivilDate(iso: $0) }), on <= period.due {
                    i.reportsOnTime += 1
                }
            }
        }
    }

    /// Findings against the unit and those below it due in `year` (by today), and how many of them
    /// were rectified on time — TuopinCore's rule decides each.
    static func findingsDue(on db: DataAccess, unit: OrgCode, year: Int, today: CivilDate) async throws -> (Int, Int) {
        let sql = db.sqlDatabase, p = unit.value + "%"
        let start = CivilDate(year: year, month: 1, day: 1)!.description
        let end = min(CivilDate(year: year, month: 12, day: 31)!, today).description
        // Findings due in the year (by today); whether each was rectified on time is TuopinCore's rule.
        struct Finding: Decodable { let state: String; let deadline: String; let rectified_on: String? }
        let due = try await sql.select().columns("state", "deadline", "rectified_on").from(FindingRecord.schema)
            .where("unit_code", .like, SQLBind(p)).where("deadline", .greaterThanOrEqual, SQLBind(start))
            .where("deadline", .lessThanOrEqual, SQLBind(end)).all(decoding: Finding.self)
        let onTime = due.filter { f in
            guard let state = FindingState(rawValue: f.state), let deadline = CivilDate(iso: f.deadline) else {
                return false
            }
            return FindingWorkflow.rectifiedOnTime(
                state: state, deadline: deadline, rectifiedOn: f.rectified_on.flatMap { CivilDate(iso: $0) })
        }.count
        return (due.count, onTime)
    }

    /// 返贫 (issue #25 item 5): W-return cases of the year that registered a household as poor again, and the
    /// households under the unit that had exited (a returned one keeps its exit year).
    static func returns(on db: DataAccess, unit: OrgCode, year: Int) async throws -> (Int, Int) {
        struct N: Decodable { let n: Int? }
        let sql = db.sqlDatabase
        let returned =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM cases WHERE workflow = \(bind: Workflows.returnToPoverty.id) AND \
                status = \(bind: CaseStatus.closed.rawValue) AND year = \(bind: year) AND \
                unit_code LIKE \(bind: unit.value + "%")
                """
            ).first(decoding: N.self)?.n ?? 0
        let exited =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM households WHERE \(ScopeSQL.within([unit])) AND exit_year IS NOT NULL"
            ).first(decoding: N.self)?.n ?? 0
        return (returned, exited)
    }
}
