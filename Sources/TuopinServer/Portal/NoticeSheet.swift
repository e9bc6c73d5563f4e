import TuopinCore
import Vapor

/// The printed notice for the village board, in Tibetan and Chinese together (藏汉双语): headings and
/// labels in both languages, the publishing unit with its Tibetan name where known
/// (`TibetanPlaceNames`), the portal address of the notice and a QR code to it, 30 rows a page.
enum NoticeSheet {
    struct Heading: Encodable { let bo: String; let zh: String }
    struct View: Encodable {
        let n: PortalController.NoticeDetail
        let kind_bo: String
        let unit_bo: String
        let columns: [Heading]
        let pages: [PortalController.Page30]
        /// The notice on the portal, written out and as a QR code (SVG).
        let address: String
        let qr: String
        let zh: PageStrings
        let bo: PageStrings
    }

    static func render(_ req: Request, id: RowID<Notice>) async throws -> Response {
        let localizer = req.application.localizer
        let zh = localizer.translations(.zh), bo = localizer.translations(.bo)
        let n = try await PortalController.detail(req, id: id, t: zh)
        guard let notice = try await req.publicData.lookup(Notice.self, id) else { throw AppError.notFound }
        let entries = try JSONDecoder().decode(NoticeService.Entries.self, from: Data(notice.entries.utf8))
        let per = PortalController.rowsPerPage
        let pages = stride(from: 0, to: max(n.rows.count, 1), by: per).map { start in
            PortalController.Page30(
                rows: (start..<min(start + per, n.rows.count)).map { [String($0 + 1)] + n.rows[$0] })
        }
        let address = publicBase(req) + SiteURL.gongshiNotice(id).path
        let qr = (try? QRCode(text: address).svg(moduleSize: 3, title: address)) ?? ""
        let view = View(
            n: n, kind_bo: bo["notice_kind_\(notice.kind)"], unit_bo: try await tibetanName(req, n.unit_code),
            columns: entries.columns.map { Heading(bo: bo[$0], zh: zh[$0]) }, pages: pages, address: address,
            qr: qr, zh: localizer.pageStrings[.zh]!, bo: localizer.pageStrings[.bo]!)
        return try await Page.render(req, "notice-print", view, language: .zh)
    }

    /// The unit and its ancestors below the region, each in Tibetan where the name is known.
    static func tibetanName(_ req: Request, _ code: String) async throws -> String {
        guard let org = OrgCode(code) else { return code }
        let lineage = org.lineage.filter { $0.level != .region }.map(\.value)
        let chinese = try await req.publicData.unitNames(Set(lineage))
        return lineage.compactMap { TibetanPlaceNames.byCode[$0] ?? chinese[$0] }.joined(separator: " ")
    }

    /// The portal's address as the public reaches it: `TUOPIN_PUBLIC_URL`, else this request's host.
    static func publicBase(_ req: Request) -> String {
        if let configured = req.application.tuopin.settings.publicURL { return configured }
        let secure =
            req.application.tuopin.settings.secureCookies
            || req.application.http.server.configuration.tlsConfiguration != nil
        let host = req.headers.first(name: .host) ?? "localhost"
        return (secure ? "https://" : "http://") + host
    }
}
