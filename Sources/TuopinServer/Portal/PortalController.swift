import Fluent
import Foundation
import TuopinCore
import Vapor

/// The public disclosure portal (公示公告) at /gongshi: no login. It lists current and past
/// notices by unit, shows each with an A4 print layout for the village notice board, takes
/// objections and lets anyone follow theirs with its tracking code.
enum PortalController {
    struct NoticeRow: Content {
        let id: RowID<Notice>; let title: String; let kind: String; let unit_name: String; let starts_on: String;
        let ends_on: String
        let running: Bool; let households: Int
    }
    struct Page30: Encodable { let rows: [[String]] }
    struct NoticeDetail: Content {
        let id: RowID<Notice>; let title: String; let kind: String; let unit_code: String; let unit_name: String;
        let place: String
        let starts_on: String; let ends_on: String; let running: Bool; let accepting: Bool; let published_at: String
        let columns: [String]; let rows: [[String]]
        let objections: [PublicObjection]
    }
    /// What the public sees of an objection: never the name or contact of who filed it.
    struct PublicObjection: Content {
        let code: String; let kind: String; let status: String; let status_label: String; let filed_on: String;
        let decision_reason: String
    }
    struct Tracked: Content {
        let code: String; let notice_id: RowID<Notice>; let notice_title: String; let status: String; let kind: String
        let filed_on: String; let decision_reason: String
    }

    /// Rows per printed A4 page (the "one A4 page per 30 households").
    static let rowsPerPage = 30

    /// Notices per page of the public list.
    static let listPage = 50

    /// One page of notices (newest end first), and one more row when another page follows.
    static func rows(_ req: Request, unit: String?, page: Int = 1, limit: Int = listPage) async throws -> [NoticeRow] {
        var query = req.publicData.rows(Notice.self)
        if let unit, !unit.isEmpty {
            guard let code = OrgCode(unit) else { throw AppError.invalidField("unit") }
            query = query.filter(\.$unitCode =~ code.value)
        }
        return try await rows(
            req,
            notices: try await query.sort(\.$endsOn, .descending).sort(\.$id, .descending)
                .offset((page - 1) * limit).limit(limit + 1).all())
    }

    static func rows(_ req: Request, notices: [Notice]) async throws -> [NoticeRow] {
        let today = req.clock.today
        var names: [String: String] = [:]
        for code in Set(notices.map(\.unitCode)) { names[code] = try await req.publicData.fullName(of: code) }
        let t = req.t
        return notices.map { n in
            let entries = (try? JSONDecoder().decode(NoticeService.Entries.self, from: Data(n.entries.utf8)))
            return NoticeRow(
                id: n.id!, title: n.title, kind: t["notice_kind_\(n.kind)"], unit_name: names[n.unitCode] ?? n.unitCode,
                starts_on: n.startsOn.description, ends_on: n.endsOn.description,
                running: !NoticePeriod.hasEnded(end: n.endsOn, today: today),
                households: entries?.rows.count ?? 0)
        }
    }

    static func detail(_ req: Request, id: RowID<Notice>, t: Translations? = nil) async throws -> NoticeDetail {
        guard let n = try await req.publicData.lookup(Notice.self, id) else { throw AppError.notFound }
        let t = t ?? req.t
        let entries = try JSONDecoder().decode(NoticeService.Entries.self, from: Data(n.entries.utf8))
        let objections = try await req.publicData.rows(Objection.self).filter(\.$noticeID == id).filter(
            \.$kind == .objection
        ).sort(\.$id).all()
        return NoticeDetail(
            id: id, title: n.title, kind: t["notice_kind_\(n.kind)"], unit_code: n.unitCode,
            unit_name: try await req.publicData.fullName(of: n.unitCode), place: n.place,
            starts_on: n.startsOn.description, ends_on: n.endsOn.description,
            running: !NoticePeriod.hasEnded(end: CivilDate(iso: n.endsOn.description)!, today: req.clock.today),
            accepting: try await NoticeService.isOpen(on: req.publicData, noticeID: id, today: req.clock.today),
            published_at: Clock.minute(n.createdAt),
            columns: entries.columns.map { t[$0] }, rows: entries.rows,
            objections: objections.map { publicObjection($0, t) })
    }

    static func publicObjection(_ o: Objection, _ t: Translations) -> PublicObjection {
        PublicObjection(
            code: String(o.code.prefix(3)) + "•••••" + String(o.code.suffix(2)), kind: o.kind.rawValue,
            status: o.status.rawValue,
            status_label: t["objection_status_\(o.status)"],
            filed_on: Clock.minute(o.filedAt),
            decision_reason: o.status == .rejected || o.status == .accepted ? o.decisionReason : "")
    }

    // MARK: Pages

    struct ListView: Encodable {
        let rows: [NoticeRow]; let unit: String; let prefectures: [UnitOption]
        let previousHref: String?; let nextHref: String?; let page: Int
    }
    struct UnitOption: Encodable { let code: String; let name: String }

    @Sendable static func index(req: Request) async throws -> Response {
        let unit = (try? req.query.get(String.self, at: "unit")) ?? ""
        let prefectures = try await req.publicData.rows(OrgUnit.self).filter(\.$level <= OrgLevel.county.rawValue)
            .filter(\.$level > OrgLevel.region.rawValue)
            .sort(\.$id).all().map {
                UnitOption(code: $0.id!, name: $0.level == OrgLevel.county.rawValue ? "　" + $0.name : $0.name)
            }
        let page = max(1, min((try? req.query.get(Int.self, at: "page")) ?? 1, 10_000))
        let found = try await rows(req, unit: unit, page: page)
        func href(_ p: Int) -> String {
            SiteURL.gongshi.path + "?page=\(p)" + (unit.isEmpty ? "" : "&unit=" + unit)
        }
        return try await Page.render(
            req, "gongshi",
            ListView(
                rows: Array(found.prefix(listPage)), unit: unit, prefectures: prefectures,
                previousHref: page > 1 ? href(page - 1) : nil, nextHref: found.count > listPage ? href(page + 1) : nil,
                page: page))
    }

    // MARK: The portal's home page

    struct HomeView: Encodable {
        let figures: [Dashboard.Figure]; let incidence: String?
        /// Named as on the unit dashboard, so both pages share the `year-chart` template.
        let dashboard: Years
        let current: [NoticeRow]; let disclosures: [NoticeRow]
        struct Years: Encodable { let years: Dashboard.YearChart }
    }

    /// Notices for the home page: the latest `limit` of the given workflows (or of all others), current first.
    static func latest(_ req: Request, disclosures: Bool, limit: Int) async throws -> [NoticeRow] {
        let money = ["W-funds", "W-project"]
        var query = req.publicData.rows(Notice.self)
        query = disclosures ? query.filter(\.$workflow ~~ money) : query.filter(\.$workflow !~ money)
        let notices = try await query.sort(\.$endsOn, .descending).sort(\.$id, .descending).limit(limit).all()
        return try await rows(req, notices: notices)
    }

    /// `/` without a login: the region's figures (aggregates only), notices running now, the
    /// latest fund and project disclosures, and how to object.
    static func home(req: Request) async throws -> Response {
        try await Rollups.ensureCurrent(req.application)
        let region = OrgCode("54")!, t = req.t
        let cells = try await Rollups.cells(of: region.value, on: req.publicData)
        let f = PovertyFigures(cells: cells)
        let today = req.clock.today
        let population = try await Dashboard.ruralPopulation(under: region, on: req.publicData)
        return try await Page.render(
            req, "portal-home",
            HomeView(
                figures: Dashboard.headline(f, t: t, applicants: false),
                incidence: f.incidenceBP(ruralPopulation: population).map(StandardsController.percent),
                dashboard: .init(
                    years: Dashboard.YearChart(
                        PovertyFigures.byYear(cells, years: PovertyFigures.chartYears(cells, through: today.year)))),
                current: try await latest(req, disclosures: false, limit: 10).filter(\.running),
                disclosures: try await latest(req, disclosures: true, limit: 10)))
    }

    struct NoticeView: Encodable {
        let n: NoticeDetail; let pages: [Page30]; let filed: String?; let error: String?; let print: Bool
        let cases: [CaseOption]; let may_observe: Bool
        /// A fresh one-time token for the objection form (`NoticeService.file`).
        let form_token: String
    }
    struct CaseOption: Encodable { let id: RowID<WorkflowCase>; let label: String }

    @Sendable static func show(req: Request) async throws -> Response {
        let id: RowID<Notice> = try req.intParameter("id")
        // After filing, the browser is sent here with the objection's code (`?filed=`): reloading
        // the page shows the receipt again and files nothing. A code of another notice shows nothing.
        let code = (try? req.query.get(String.self, at: "filed"))?.uppercased()
        var filed: String?
        if let code, let found = try await tracked(req, code: code), found.notice_id == id { filed = found.code }
        return try await renderNotice(req, id: id, filed: filed, error: nil, status: .ok)
    }

    static func renderNotice(
        _ req: Request, id: RowID<Notice>, filed: String?, error: String?, status: HTTPResponseStatus
    )
        async throws -> Response
    {
        // The printed sheet for the village board: Tibetan and Chinese together.
        if (try? req.query.get(String.self, at: "print")) == "1" { return try await NoticeSheet.render(req, id: id) }
        let print = false
        let n = try await detail(req, id: id)
        let pages = stride(from: 0, to: max(n.rows.count, 1), by: rowsPerPage).map { start in
            Page30(rows: (start..<min(start + rowsPerPage, n.rows.count)).map { [String($0 + 1)] + n.rows[$0] })
        }
        // Objections may name one line of the notice; the line is shown by its household number.
        let links = try await req.publicData.rows(NoticeCase.self).filter(\.$id.$noticeID == id).all().map(\.id!.caseID)
        let cases = try await req.publicData.rows(WorkflowCase.self).filter(\.$id ~~ links).sort(\.$id).all()
        let numbers = Dictionary(
            uniqueKeysWithValues: try await req.publicData.rows(Household.self).filter(
                \.$id ~~ cases.compactMap(\.householdID)
            ).all()
                .map { ($0.id!, $0.number) })
        let options = cases.map { CaseOption(id: $0.id!, label: $0.householdID.flatMap { numbers[$0] } ?? n.unit_name) }
        let user = req.auth.get(CurrentUser.self)
        var mayObserve = false
        if let user, let notice = try await req.publicData.lookup(Notice.self, id) {
            let concerned = try await req.publicData.unitsConcerned(byNotice: notice)
            mayObserve = user.scope.mayObserve(noticeConcerning: concerned)
        }
        return try await Page.render(
            req, "notice",
            NoticeView(
                n: n, pages: pages, filed: filed, error: error, print: print, cases: options, may_observe: mayObserve,
                form_token: formToken()),
            status: status)
    }

    /// 128 random bits in hex.
    static func formToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &rng)) }.joined()
    }

    static func clientKey(_ req: Request) -> String {
        req.clientAddress
    }

    @Sendable static func objectForm(req: Request) async throws -> Response {
        let id: RowID<Notice> = try req.intParameter("id")
        var input = try req.content.decode(NoticeService.ObjectionInput.self)
        if input.case_id == 0 { input.case_id = nil }
        return try await FormFlow.submit(req, answering: [.notFound]) {
            let code = try await NoticeService.file(
                app: req.application, user: req.auth.get(CurrentUser.self), noticeID: id, input: input,
                client: clientKey(req))
            return .redirect(SiteURL.gongshiNotice(id).path + "?filed=\(code)")
        } orShow: { refusal in
            return try await renderNotice(req, id: id, filed: nil, error: refusal.message, status: refusal.status)
        }
    }

    struct TrackView: Encodable { let code: String; let found: Tracked?; let searched: Bool }

    @Sendable static func track(req: Request) async throws -> Response {
        let code = ((try? req.query.get(String.self, at: "code")) ?? "").trimmingCharacters(in: .whitespaces)
            .uppercased()
        let found = code.isEmpty ? nil : try await tracked(req, code: code)
        return try await Page.render(
            req, "objection-track", TrackView(code: code, found: found, searched: !code.isEmpty),
            status: !code.isEmpty && found == nil ? .notFound : .ok)
    }

    static func tracked(_ req: Request, code: String) async throws -> Tracked? {
        guard code.count == 10, let o = try await req.publicData.rows(Objection.self).filter(\.$code == code).first(),
            let n = try await req.publicData.lookup(Notice.self, o.noticeID)
        else { return nil }
        return Tracked(
            code: o.code, notice_id: n.id!, notice_title: n.title, status: req.t["objection_status_\(o.status)"],
            kind: o.kind.rawValue,
            filed_on: Clock.minute(o.filedAt), decision_reason: o.decisionReason)
    }

    // MARK: API (public)

    @Sendable static func apiList(req: Request) async throws -> [NoticeRow] {
        Array(try await rows(req, unit: try? req.query.get(String.self, at: "unit"), limit: 200).prefix(200))
    }

    @Sendable static func apiShow(req: Request) async throws -> NoticeDetail {
        try await detail(req, id: try req.intParameter("id"))
    }

    struct Filed: Content { let code: String }

    @Sendable static func apiObject(req: Request) async throws -> Response {
        let code = try await NoticeService.file(
            app: req.application, user: req.auth.get(CurrentUser.self), noticeID: try req.intParameter("id"),
            input: try req.decodeJSON(NoticeService.ObjectionInput.self), client: clientKey(req))
        return try await Filed(code: code).encodeResponse(status: .created, for: req)
    }

    @Sendable static func apiTrack(req: Request) async throws -> Tracked {
        guard let code = req.parameters.get("code")?.uppercased(), let found = try await tracked(req, code: code) else {
            throw AppError.notFound
        }
        return found
    }
}
