import Fluent
import Foundation
import Testing
import TuopinCore
import Vapor
import VaporTesting

@testable import TuopinServer

/// The inbox splits what can be done now from what waits (issue #24): a case whose notice still
/// runs is listed under 尚不能办理 with the day after the notice's end, not in the batch form; on
/// that day it moves into the form. Households are named by head, village and number.
@Suite struct InboxTests {
    @Test func aCaseWaitsForItsNoticeAndIsReadyTheDayAfterItEnds() async throws {
        let clock = TestClock()
        try await withTestApp(households: 216, cases: true, clock: clock) { app in
            let today = app.clock.today
            // A case of clerk1's township right after a notice that still runs.
            let cases = try await WorkflowCase.query(on: app.db).filter(\.$status == .open)
                .filter(\.$unitCode =~ "540102001").all()
            let notices = try await Notice.query(on: app.db).all()
            let waiting = try #require(
                cases.first { c in
                    guard let wf = Workflows.named(c.workflow), wf.followsNotice(c.step), c.householdID != nil,
                        let n = notices.first(where: { $0.id == c.noticeID })
                    else { return false }
                    return n.endsOn >= today && wf.steps[c.step].roles.contains(.clerk)
                })
            let end = try #require(notices.first { $0.id == waiting.noticeID }).endsOn
            func inbox() async throws -> (ready: Bool, waiting: Bool, page: String) {
                // Signed in afresh each time: moving the clock by days ends an idle session.
                let page = try await app.get("/cases", try await app.session("clerk1").0).1
                let ready = page.contains(#"name="case_ids[]" value="\#(waiting.id!)""#)
                let listed = page.contains(#"class="muted"><td data-label="案件"><a href="/cases/\#(waiting.id!)""#)
                // The menu's count is the number of cases ready now (the batch forms' rows).
                let readyRows = page.components(separatedBy: #"name="case_ids[]""#).count - 1
                let menu = page.firstMatch(of: /id="inbox-count"[^>]*>(\d+)</).map { Int($0.1)! } ?? 0
                #expect(menu == readyRows && readyRows > 0)
                return (ready, listed, page)
            }
            var now = try await inbox()
            #expect(!now.ready && now.waiting)
            #expect(now.page.contains(#"<a href="/cases/\#(waiting.id!)">"#))
            #expect(now.page.contains(">\(NoticePeriod.firstActionDay(end: end).description)<"))
            let head = try await Member.query(on: app.db).filter(\.$household.$id == waiting.householdID!)
                .filter(\.$relation == .head).first()!.name
            #expect(now.page.contains("\(head) · "))
            // The notice's last day: still waiting. The day after: ready.
            clock.advance(Double(end.daysSince(today)) * 86_400)
            now = try await inbox()
            #expect(!now.ready && now.waiting)
            clock.advance(86_400)
            now = try await inbox()
            let open = try await Objection.query(on: app.db).filter(\.$noticeID == waiting.noticeID!)
                .filter(\.$status == .open).filter(\.$kind == .objection).count()
            #expect(now.ready == (open == 0) && now.waiting == (open > 0))
        }
    }

    @Test func casesAreNamedByHeadVillageAndNumberOrByProject() {
        let name = CaseController.caseName
        #expect(name("那达村", "5401020012010003", "强巴玉珍", nil) == "强巴玉珍 · 那达村 · 5401020012010003")
        #expect(name("那达村", "5401020012010003", nil, nil) == "那达村 · 5401020012010003")
        #expect(name("当觉村", nil, nil, "村卫生室") == "村卫生室 · 当觉村")
        #expect(name("城关区", nil, nil, nil) == "城关区")
    }
}
