import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

@Suite struct QualityAndUploadTests {
    @Test func checkStoresFindingsAndThePageShowsThemInScope() async throws {
        try await withTestApp { app in
            // setup: break one household of clerk1's township (two heads) and one of clerk2's
            let own = try #require(
                try await Household.query(on: app.db).filter(\.$townshipCode == "540102001")
                    .filter(\.$memberCount >= 2).first()?.id)
            let other = try #require(
                try await Household.query(on: app.db).filter(\.$townshipCode == "540103001")
                    .filter(\.$memberCount >= 2).first()?.id)
            for id in [own, other] {
                try await Member.query(on: app.db).filter(\.$household.$id == id).set(
                    \.$relation, to: TuopinCore.Relation.head
                ).update()
            }
            // act
            let summary = try await QualityService.checkAll(app: app, unit: nil)
            // assert
            #expect(summary.households == 216)
            #expect((summary.findings[.head] ?? 0) >= 2)
            let (headers, _) = try await app.session("clerk1")
            try await app.testing().test(.GET, "/quality", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("Q-HEAD"))
                let ownNumber = try await Household.find(own, on: app.db)!.number
                let otherNumber = try await Household.find(other, on: app.db)!.number
                #expect(html.contains(ownNumber))
                #expect(!html.contains(otherNumber))
            }
            try await app.testing().test(.GET, "/quality?unit=540103001", headers: headers) { res in
                #expect(res.status == .notFound)
            }
        }
    }

    /// Issue #27 item 5: the check runs county by county on several workers; what it finds and stores
    /// does not depend on how many; a household saved after its page was read keeps its own findings.
    @Test func theCheckFindsTheSameOnOneWorkerAsOnSeveral() async throws {
        try await withTestApp { app in
            let broken = try #require(
                try await Household.query(on: app.db).filter(\.$memberCount >= 2).first()?.id)
            try await Member.query(on: app.db).filter(\.$household.$id == broken).set(
                \.$relation, to: TuopinCore.Relation.head
            ).update()
            func stored() async throws -> [String] {
                try await QualityFinding.query(on: app.db).all().map { "\($0.householdID) \($0.code)" }.sorted()
            }
            let one = try await QualityService.checkAll(app: app, unit: nil, workers: 1)
            let afterOne = try await stored()
            try await QualityFinding.query(on: app.db).delete()
            let three = try await QualityService.checkAll(app: app, unit: nil, workers: 3)
            #expect(one.households == 216 && three.households == 216)
            #expect(one.findings == three.findings && (one.findings[.head] ?? 0) >= 1)
            #expect(try await stored() == afterOne)
            // Under one county only that county's households; the region's counties are the parts.
            let county = try await QualityService.checkAll(app: app, unit: OrgCode("540102")!, workers: 2)
            #expect(
                county.households == (try await Household.query(on: app.db).filter(\.$countyCode == "540102").count()))
            #expect(try await app.systemData.countiesToCheck(under: nil).count > 1)
            #expect(try await app.systemData.countiesToCheck(under: OrgCode("540102001")!) == [OrgCode("540102001")!])
            // A household whose version moved on since its page was read is left to its own save.
            let subjects = try await app.systemData.qualitySubjects(under: nil, after: 0, limit: 3)
            let saved = subjects[1].id
            try await Household.query(on: app.db).filter(\.$id == saved).set(\.$version, to: subjects[1].version + 1)
                .update()
            #expect(try await app.systemData.householdsAtVersion(subjects) == [subjects[0].id, subjects[2].id])
            // Findings made from the old read are stored for the others, not for the saved one.
            let stale = Dictionary(uniqueKeysWithValues: subjects.map { ($0.id, [QualityProblem(.noMembers)]) })
            let before = try await QualityFinding.query(on: app.db).filter(\.$householdID == saved).all()
                .map(\.code).sorted()
            try await QualityService.store(stale, of: subjects, app: app)
            for s in subjects {
                let codes = try await QualityFinding.query(on: app.db).filter(\.$householdID == s.id).all()
                    .map(\.code).sorted()
                #expect(codes == (s.id == saved ? before : [QualityCode.noMembers.rawValue]), "\(s.id)")
            }
        }
    }

    @Test func anEditReChecksTheHouseholdInTheSameTransaction() async throws {
        try await withTestApp { app in
            let h = try #require(
                try await Household.query(on: app.db).filter(\.$townshipCode == "540102001")
                    .filter(\.$status == HouseholdStatus.exitedWithPolicy).first())
            // An exited household whose guarantee is then marked unmet shows Q-EXIT-GUARANTEE after the next save.
            try await Guarantee.query(on: app.db).filter(\.$householdID == h.id!).filter(\.$kind == .housing).set(
                \.$met, to: false
            ).update()
            let user = try await ImportExportTests().currentUser(app, "clerk1")
            var edit = try HouseholdService.currentEdit(of: h, protector: app.tuopin.protector)
            edit.address = "新地址"
            try await HouseholdService.update(app: app, user: user, id: h.id!, edit: edit, version: h.version)
            let codes = try await QualityFinding.query(on: app.db).filter(\.$householdID == h.id!).all().map(\.code)
            #expect(codes.contains(QualityCode.exitGuarantee.rawValue))
        }
    }

    struct UploadForm: Content { let _csrf: String; let kind: String; let file: File; let dry_run: String? }

    @Test func webUploadValidatesTheWholeFileAndImportsWhenValid() async throws {
        try await withTestApp(households: 30) { app in
            let (headers, csrf) = try await app.session("clerk2")
            let row = ImportExportTests().newHousehold()
            var bad = row; bad[2] = "富裕户"
            func upload(
                _ rows: [[String]], dryRun: Bool = false, check: @escaping (TestingHTTPResponse) async throws -> Void
            ) async throws {
                let data = FileReading.csvData(rows)
                try await app.testing().test(
                    .POST, "/imports", headers: headers,
                    beforeRequest: { req in
                        try req.content.encode(
                            UploadForm(
                                _csrf: csrf, kind: "members",
                                file: File(data: ByteBuffer(data: data), filename: "名单.csv"),
                                dry_run: dryRun ? "1" : nil), as: .formData)
                    }, afterResponse: check)
            }
            try await upload([MembersTemplate.header, bad]) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("E-ENUM"))
            }
            try await upload([MembersTemplate.header, row], dryRun: true) { res in #expect(res.status == .ok) }
            #expect(try await Household.query(on: app.db).filter(\.$number == row[0]).count() == 0)
            try await upload([MembersTemplate.header, row]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#"id="import-summary""#))
            }
            #expect(try await Household.query(on: app.db).filter(\.$number == row[0]).count() == 1)
            // A clerk of another township is refused the same village (E-SCOPE), and readers may not upload.
            let (clerk1, csrf1) = try await app.session("clerk1")
            var other = row; other[0] = "5401030012019902";
            other[10] = ImportExportTests().idWithCheck("54010319800101555")
            try await app.testing().test(
                .POST, "/imports", headers: clerk1,
                beforeRequest: { req in
                    try req.content.encode(
                        UploadForm(
                            _csrf: csrf1, kind: "members",
                            file: File(
                                data: ByteBuffer(data: FileReading.csvData([MembersTemplate.header, other])),
                                filename: "a.csv"),
                            dry_run: nil), as: .formData)
                }
            ) { res in #expect(res.body.string.contains("E-SCOPE")) }
            let (reader, _) = try await app.session("supervisor1")
            try await app.testing().test(.GET, "/imports", headers: reader) { res in #expect(res.status == .forbidden) }
        }
    }
}
