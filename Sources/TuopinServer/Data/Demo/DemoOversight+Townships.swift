import Fluent
import Foundation
import TuopinCore
import Vapor

extension DemoOversight {
    /// A county's own scheme for its townships (article 18, issue #25 item 8): what a township answers for — its
    /// money, rectification, pairing, data and reports, and the county's inspection score.
    static let townshipScheme: [AssessmentService.IndicatorInput] = [
        (IndicatorKey.fundDisbursement, "", "20"), (.onTimeRectification, "", "15"), (.violationsPer100, "", "15"),
        (.reportsOnTime, "", "10"), (.pairingCoverage, "", "15"), (.dataQualityErrorRate, "", "10"),
        (.entered, "乡镇督查考核评价", "15"),
    ].map { .init(key: $0.0.rawValue, name: $0.1, weight: $0.2) }

    /// 城关区 assesses its townships for last year through the service as its county office, and has sent the
    /// results to three of the four recipients: the page shows the one still to receive them.
    func seedTownshipAssessment() async throws {
        guard let office = try await User.query(on: app.db).filter(\.$username == "chengguan").with(\.$bindings).first()
        else { return }
        let county = try CurrentUser(office, sessionKind: "demo"), year = app.clock.today.year - 1
        let id = try await AssessmentService.create(
            app: app, user: county, input: .init(year: year, assessor_code: "540102", indicators: Self.townshipScheme))
        for action in ["publish", "compute"] {
            _ = try await AssessmentService.step(app: app, user: county, scheme: id, input: .init(action: action))
        }
        let entered = try await AssessmentValue.query(on: app.db).filter(\.$schemeID == id).filter(
            \.$source == "entered"
        ).sort(\.$unitCode).all()
        try await AssessmentService.enter(
            app: app, user: county, scheme: id,
            inputs: entered.enumerated().map { k, v in
                .init(
                    unit_code: v.unitCode, indicator_id: v.indicatorID, value_pct: String(72 + (k * 7) % 25),
                    note: "\(year)年度乡镇督查")
            })
        for action in ["rank", "approve"] {
            _ = try await AssessmentService.step(app: app, user: county, scheme: id, input: .init(action: action))
        }
        _ = try await AssessmentService.step(
            app: app, user: county, scheme: id,
            input: .init(
                action: "distribute", document_no: "城扶领〔\(year + 1)〕2号",
                recipients: [AssessmentRecipient.partyCommittee, .government, .discipline].map(\.rawValue)))
    }
}
