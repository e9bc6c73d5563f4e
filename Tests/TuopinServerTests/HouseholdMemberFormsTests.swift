import Fluent
import Foundation
import Testing
import TuopinCore
import Vapor
import VaporTesting

@testable import TuopinServer

/// A township clerk keeps a household's members and plan on its page (issue #24): a member joins
/// (the ID number checked as on import; a refused form keeps what was typed), changes, leaves, and
/// another becomes the head; the year's plan is saved with a measure, and the data-quality finding
/// "no plan this year" (R-23-1) goes.
@Suite struct HouseholdMemberFormsTests {
    @Test func aClerkKeepsMembersAndThePlanOnTheHouseholdPage() async throws {
        try await withTestApp(households: 216) { app in
            let clerk = try await app.session("clerk1")
            let year = app.clock.today.year
            // A poor household of the clerk's township without this year's plan.
            let finding = try #require(
                try await QualityFinding.query(on: app.db).filter(\.$code == QualityCode.noPlan.rawValue)
                    .filter(\.$townshipCode == "540102001").sort(\.$householdID).first())
            let id = finding.householdID
            func household() async throws -> Household { try await Household.find(id, on: app.db)! }
            func members() async throws -> [Member] {
                try await Member.query(on: app.db).filter(\.$household.$id == id).sort(\.$id).all()
            }
            let page = try await app.get("/households/\(id)", clerk.0).1
            #expect(page.contains(#"id="member-add-form""#) && page.contains(#"id="plan-form-\#(year)""#))
            let count = try await members().count

            // A wrong ID number is refused beside the form, the name typed stays, nothing is added.
            let newID = ImportExportTests().idWithCheck("54010220100101773")
            var fields = [
                ("version", String(try await household().version)), ("name", "次仁拉姆"), ("relation", "daughter"),
                ("ethnicity", "tibetan"), ("education", "preschool"), ("schooling", "notInSchool"),
                ("health", "healthy"), ("disability_grade", ""), ("labour", "none"), ("migrant_months", "0"),
            ]
            let refused = try await app.postForm(
                "/households/\(id)/members", clerk, fields + [("resident_id", "540102201001017")])
            #expect(refused.0 == .unprocessableEntity && refused.1.contains(#"id="form-error""#))
            let countAfterRefusal = try await members().count
            #expect(refused.1.contains(#"value="次仁拉姆""#) && countAfterRefusal == count)

            let added = try await app.postForm("/households/\(id)/members", clerk, fields + [("resident_id", newID)])
            #expect(added.0 == .seeOther && added.2 == "/households/\(id)?saved=member_added")
            let newcomer = try #require(try await members().first { $0.name == "次仁拉姆" })
            let (listed, counted) = (try await members().count, try await household().memberCount)
            #expect(listed == count + 1 && counted == count + 1)
            let savedPage = try await app.get(added.2!, clerk.0).1
            #expect(savedPage.contains(#"id="saved""#))

            // Her details change; then she leaves (with a reason); the head cannot leave.
            fields = [("version", String(try await household().version)), ("education", "primary")]
            let changed = try await app.postForm("/members/\(newcomer.id!)", clerk, fields)
            let education = try await Member.find(newcomer.id, on: app.db)!.education
            #expect(changed.0 == .seeOther && education == "primary")
            let head = try #require(try await members().first { $0.relation == .head })
            // She becomes the head (the former head stays as spouse, one head only), then the former head
            // is head again and she a daughter.
            func makeHead(_ m: Member, formerBecomes relation: String) async throws {
                let made = try await app.postForm(
                    "/members/\(m.id!)/head", clerk,
                    [("version", String(try await household().version)), ("former_head_relation", relation)])
                #expect(made.0 == .seeOther)
            }
            try await makeHead(newcomer, formerBecomes: "spouse")
            var after = try await members()
            #expect(after.filter { $0.relation == .head }.map(\.id) == [newcomer.id])
            #expect(after.first { $0.id == head.id }?.relation == .spouse)
            try await makeHead(head, formerBecomes: "daughter")
            after = try await members()
            #expect(after.filter { $0.relation == .head }.map(\.id) == [head.id])
            #expect(after.first { $0.id == newcomer.id }?.relation == .daughter)
            let headLeaves = try await app.postForm(
                "/members/\(head.id!)/removal", clerk,
                [("version", String(try await household().version)), ("reason", "迁出")])
            let countWithHead = try await members().count
            #expect(headLeaves.0 == .unprocessableEntity && countWithHead == count + 1)
            let left = try await app.postForm(
                "/members/\(newcomer.id!)/removal", clerk,
                [("version", String(try await household().version)), ("reason", "出嫁迁出")])
            let countAfterLeaving = try await members().count
            #expect(left.0 == .seeOther && countAfterLeaving == count)

            // This year's plan with one measure (the blank row is skipped); R-23-1 goes.
            let plan = try await app.postForm(
                "/households/\(id)/plans", clerk,
                [
                    ("version", String(try await household().version)), ("year", String(year)), ("goal", "稳定增收"),
                    ("category[]", "industry"), ("subtype[]", "subsidy"), ("content[]", "牦牛养殖奖补"),
                    ("amount[]", "3000"), ("start[]", "\(year)-03-01"), ("end[]", "\(year)-12-31"),
                    ("outcome[]", ""), ("cadre_id[]", ""),
                    // A measure without money: its empty amount is 0.
                    ("category[]", "employment"), ("subtype[]", "training"), ("content[]", "驾驶技能培训"),
                    ("amount[]", ""), ("start[]", "\(year)-04-01"), ("end[]", "\(year)-04-30"), ("outcome[]", ""),
                    ("cadre_id[]", ""),
                    ("category[]", "industry"), ("subtype[]", "other"), ("content[]", ""), ("amount[]", ""),
                    ("start[]", "\(year)-01-01"), ("end[]", "\(year)-12-31"), ("outcome[]", ""), ("cadre_id[]", ""),
                ])
            #expect(plan.0 == .seeOther && plan.2 == "/households/\(id)?saved=plan_saved")
            let saved = try #require(
                try await HouseholdPlan.query(on: app.db).filter(\.$householdID == id).filter(\.$year == year).first())
            let measures = try await Measure.query(on: app.db).filter(\.$planID == saved.id!).sort(\.$id).all()
            #expect(measures.map(\.amount) == [300_000, 0])
            let left2 = try await QualityFinding.query(on: app.db).filter(\.$householdID == id)
                .filter(\.$code == QualityCode.noPlan.rawValue).count()
            #expect(left2 == 0)
            // Removing the measure (ticked) and saving an empty plan is refused for its missing goal.
            let emptyGoal = try await app.postForm(
                "/households/\(id)/plans", clerk,
                [("version", String(try await household().version)), ("year", String(year)), ("goal", " ")])
            #expect(emptyGoal.0 == .unprocessableEntity)
            // The change history names the actions in words.
            let history = try await app.get("/households/\(id)", clerk.0).1
            #expect(history.contains("新增成员") && history.contains("保存帮扶计划") && !history.contains("action_"))
            // The page was read several times above: reads are the auditors', not the change history.
            let table = try #require(history.firstMatch(of: /<table class="grid" id="history">[\s\S]*?<\/table>/))
            #expect(!table.0.contains("<td>查看</td>"))
            // In Beijing time, as everything else on the page (the log keeps UTC).
            let logged = try #require(
                history.firstMatch(of: /<table class="grid" id="history">[\s\S]*?<td>([0-9: -]+)<\/td>/))
            #expect(String(logged.1).hasPrefix(Clock.minute(app.tuopin.now())))
        }
    }
}
