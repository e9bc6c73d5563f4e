import Fluent
import Foundation
import TuopinCore
import Vapor

/// The responsibility page's form posts (sign, archive, schedule, cadres, party leaders, aid) and the letters' files.
extension ResponsibilityController {
    struct SignForm: Content { var signed_on: String?; var file: File? }
    /// Runs a form's change and comes back to the page, or shows the page again with the reason.
    static func run(_ req: Request, code: String, _ change: () async throws -> Void) async throws -> Response {
        return try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.unitPart(code, "responsibility").path)
        } orShow: { refusal in
            req.parameters.set("code", to: code)
            return try await page(req, formError: refusal.message)
        }
    }

    /// A form posted to one of a unit's collections (`/units/{code}/letters`, `/reports` …): decoded,
    /// handed to the service, and back to the page (or the page again with the reason).
    static func unitForm<Input: Content, Created>(
        _ type: Input.Type,
        _ action: @escaping @Sendable (Application, CurrentUser, String, Input) async throws -> Created
    )
        -> @Sendable (Request) async throws -> Response
    {
        { req in
            let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
            let input = try req.content.decode(type)
            return try await run(req, code: code) { _ = try await action(req.application, user, code, input) }
        }
    }

    @Sendable static func signForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<LetterRecord> = try req.intParameter("id")
        guard let letter = try await req.data.lookup(LetterRecord.self, id) else { throw AppError.notFound }
        let form = try req.content.decode(SignForm.self)
        return try await run(req, code: letter.unitCode) {
            _ = try await ResponsibilityService.signLetter(
                app: req.application, user: user, letterID: id, signedOn: form.signed_on,
                pdf: form.file.map { Data(buffer: $0.data) })
        }
    }

    @Sendable static func archiveForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<LetterRecord> = try req.intParameter("id")
        guard let letter = try await req.data.lookup(LetterRecord.self, id) else { throw AppError.notFound }
        return try await run(req, code: letter.unitCode) {
            _ = try await ResponsibilityService.archiveLetter(app: req.application, user: user, letterID: id)
        }
    }

    /// The scanned letter, to whoever may see the unit (reading it is audited).
    @Sendable static func letterFile(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let letter = try await req.data.lookup(LetterRecord.self, try req.intParameter("id")),
            let code = OrgCode(letter.unitCode),
            let sha = letter.fileSHA256
        else { throw AppError.notFound }
        _ = try await req.data.unit(code)
        let data = try Data(contentsOf: ResponsibilityService.letterFile(req.application, sha256: sha))
        try await ReadAudit.record(
            req, user: user, action: "letter.read", entity: "org_unit", entityID: code.value,
            detail: ["year": String(letter.year)])
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"letter-\(code.value)-\(letter.year).pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    @Sendable static func scheduleForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.content.decode(ResponsibilityService.ScheduleInput.self)
        let region = user.scope.homeUnit?.ancestor(at: .region)?.value ?? "54"
        return try await run(req, code: region) {
            try await ResponsibilityService.setSchedule(
                app: req.application, user: user, level: try req.intParameter("level"), input: input)
        }
    }

    @Sendable static func deactivateCadreForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<Cadre> = try req.intParameter("id")
        guard let cadre = try await req.data.lookup(Cadre.self, id) else { throw AppError.notFound }
        return try await run(req, code: cadre.unitCode) {
            _ = try await VillageActorsService.deactivateCadre(app: req.application, user: user, cadreID: id)
        }
    }

    @Sendable static func leaderPartForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<PartyLeader> = try req.intParameter("id")
        guard let leader = try await req.data.lookup(PartyLeader.self, id) else { throw AppError.notFound }
        let input = try req.content.decode(VillageActorsService.LeaderPartInput.self)
        return try await run(req, code: leader.villageCode) {
            _ = try await VillageActorsService.changeLeader(
                app: req.application, user: user, leaderID: id, part: req.parameters.get("part") ?? "", input: input)
        }
    }

    @Sendable static func contributionForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<EnterpriseAid> = try req.intParameter("id")
        guard let aid = try await req.data.lookup(EnterpriseAid.self, id) else { throw AppError.notFound }
        let input = try req.content.decode(VillageActorsService.ContributionInput.self)
        return try await run(req, code: aid.villageCode) {
            _ = try await VillageActorsService.addContribution(
                app: req.application, user: user, aidID: id, input: input)
        }
    }
}
