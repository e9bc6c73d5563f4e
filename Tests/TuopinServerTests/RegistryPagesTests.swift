import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

@Suite struct RegistryPagesTests {
    @Test func listFiltersSearchesByExactIDAndStaysInScope() async throws {
        try await withTestApp { app in
            let (headers, _) = try await app.session("clerk1")
            let own = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").sort(\.$number).all()
            try await app.testing().test(.GET, "/households", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains(own[0].number))
                #expect(!html.contains("540103001"))  // clerk2's township never shows
            }
            // Exact ID number, through the HMAC index.
            let member = try #require(try await Member.query(on: app.db).filter(\.$household.$id == own[1].id!).first())
            let id = try app.tuopin.protector.decrypt(member.idCipher)
            try await app.testing().test(.GET, "/households?id=\(id)", headers: headers) { res in
                let html = res.body.string
                #expect(html.contains(own[1].number))
                #expect(!html.contains(own[0].number))
            }
            // Someone else's ID number finds nothing for this clerk.
            let other = try #require(
                try await Member.query(on: app.db).join(Household.self, on: \Member.$household.$id == \Household.$id)
                    .filter(Household.self, \.$townshipCode == "540103001").first())
            try await app.testing().test(
                .GET, "/households?id=\(try app.tuopin.protector.decrypt(other.idCipher))", headers: headers
            ) { res in
                #expect(res.body.string.contains(#"id="no-results""#))
            }
            // Bad filters get a clear message, not a 500.
            try await app.testing().test(
                .GET, "/households?id=12345&status=notExited",
                headers: ["Cookie": headers.first(name: .cookie)! + "; tuopin_lang=en"]
            ) { res in
                #expect(res.status == .badRequest)
                #expect(res.body.string.contains("The value of “id” is not valid."))
            }
            // Name prefix and status filters.
            let head = try #require(try await Member.query(on: app.db).filter(\.$household.$id == own[0].id!).first())
            try await app.testing().test(
                .GET,
                "/households?q=\(head.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)&"
                    + "status=\(own[0].status)",
                headers: headers
            ) { res in
                #expect(res.body.string.contains(own[0].number))
            }
        }
    }

    @Test func editSavesAuditsAndAStaleSaveIsAConflictThatOverwritesNothing() async throws {
        try await withTestApp { app in
            let (headers, csrf) = try await app.session("clerk1")
            let h = try #require(try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").first())
            let id = h.id!
            try await app.testing().test(.GET, "/households/\(id)/edit", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#"name="version" value="1""#))
            }
            func form(_ address: String, version: Int, phone: String = "13900001111") -> [String: String] {
                [
                    "_csrf": csrf, "version": String(version), "attribute": "dibao", "main_cause": "illness",
                    "address": address,
                    "phone": phone, "land_cultivated": "3", "land_irrigated": "1.5", "housing_safe": "1",
                    "water_safe": "1",
                ]
            }
            // Save as version 1.
            try await app.testing().test(
                .POST, "/households/\(id)/edit", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(form("3组8号", version: 1), as: .urlEncodedForm)
                }
            ) { res in
                #expect(res.status == .seeOther)
            }
            let saved = try #require(try await Household.find(id, on: app.db))
            #expect(saved.version == 2 && saved.address == "3组8号" && saved.attribute.rawValue == "dibao")
            #expect(saved.phoneMasked == "139****1111" && saved.phoneCipher != nil && saved.status == h.status)
            // A second user still holding version 1 gets the conflict page; nothing changes.
            let audit = try await app.auditCount()
            try await app.testing().test(
                .POST, "/households/\(id)/edit", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(form("9组9号", version: 1), as: .urlEncodedForm)
                }
            ) { res in
                #expect(res.status == .conflict)
                let html = res.body.string
                #expect(html.contains("9组9号") && html.contains("3组8号"))
            }
            #expect(try await Household.find(id, on: app.db)!.address == "3组8号")
            #expect(try await app.auditCount() == audit)
            // Field-level messages for bad input, and nothing written.
            try await app.testing().test(
                .POST, "/households/\(id)/edit", headers: headers,
                beforeRequest: { req in
                    var f = form("x", version: 2, phone: "abc"); f["land_irrigated"] = "9"; f["attribute"] = "rich"
                    try req.content.encode(f, as: .urlEncodedForm)
                }
            ) { res in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains(#"id="phone-error""#) && html.contains(#"id="land_irrigated-error""#))
                #expect(html.contains("不是可选值"))
            }
            #expect(try await Household.find(id, on: app.db)!.version == 2)
            // The audit entry names the user and masks the phone.
            let entry = try await app.db.sqlDatabase.select().columns("user_id", "after").from("audit_log")
                .where("action", .equal, "household.update").first()
            let after = try #require(try entry?.decode(column: "after", as: String.self))
            #expect(after.contains("139****1111") && !after.contains("13900001111"))
            // The change shows in the household's history.
            try await app.testing().test(.GET, "/households/\(id)", headers: headers) { res in
                #expect(res.body.string.contains("修改户信息"))
            }
        }
    }

    @Test func readersCannotEditAndOutsidersCannotSee() async throws {
        try await withTestApp { app in
            let id = try await app.householdID(inTownship: "540102001")
            let (village, _) = try await app.session("village1")
            try await app.testing().test(.GET, "/households/\(id)/edit", headers: village) { res in
                #expect(res.status == .forbidden)
            }
            let (other, csrf) = try await app.session("clerk2")
            try await app.testing().test(.GET, "/households/\(id)/edit", headers: other) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(
                .POST, "/households/\(id)/edit", headers: other,
                beforeRequest: { req in
                    try req.content.encode(
                        ["_csrf": csrf, "version": "1", "attribute": "general", "main_cause": "illness"],
                        as: .urlEncodedForm)
                }
            ) { res in #expect(res.status == .notFound) }
        }
    }

    @Test func exportOfTheFilteredListIsScopedAndInTheTemplate() async throws {
        try await withTestApp { app in
            let (headers, _) = try await app.session("clerk1")
            // Without a reason the export asks for one, keeping the filters.
            try await app.testing().test(.GET, "/households/export/members/csv?status=notExited", headers: headers) {
                res in
                #expect(
                    res.status == .ok && res.body.string.contains("id=\"export-reason-form\"")
                        && res.body.string.contains("value=\"notExited\""),
                    "\(res.status) \(res.body.string.prefix(600))")
            }
            let audit = try await app.auditCount()
            try await app.testing().test(
                .GET, "/households/export/members/csv?status=notExited&reason=%E5%B9%B4%E5%BA%A6%E6%A0%B8%E6%9F%A5",
                headers: headers
            ) { res in
                #expect(res.status == .ok)
                let rows = CSV.parse(res.body.string)
                #expect(rows[0] == MembersTemplate.header)
                #expect(rows.dropFirst().allSatisfy { $0[1].hasPrefix("540102001") && $0[6] == "未脱贫" })
            }
            #expect(try await app.auditCount() == audit + 1)
            struct After: Decodable { let after: String }
            let entry = try await app.db.sqlDatabase.select().column("after").from("audit_log").orderBy(
                "id", .descending
            ).limit(1).first(decoding: After.self)
            #expect(entry?.after.contains("年度核查") == true)
            try await app.testing().test(.GET, "/households/export/incomes/xlsx?reason=x", headers: headers) { res in
                #expect(res.status == .ok)
                let rows = try XLSX.read(Data(buffer: res.body))
                #expect(rows[0] == IncomesTemplate.header && rows.count > 1)
            }
            // Opening a household and searching by ID number are audited; the ID itself is not written.
            let id = try await app.householdID(inTownship: "540102001")
            try await app.testing().test(.GET, "/households/\(id)", headers: headers) { res in
                #expect(res.status == .ok)
            }
            let resident = try app.tuopin.protector.decrypt(
                try await Member.query(on: app.db).filter(\.$household.$id == id).first()!.idCipher)
            try await app.testing().test(.GET, "/households?id=\(resident)", headers: headers) { res in
                #expect(res.status == .ok)
            }
            struct A: Decodable { let action: String; let after: String }
            let last = try await app.db.sqlDatabase.select().columns("action", "after").from("audit_log").orderBy(
                "id", .descending
            ).limit(2)
                .all(decoding: A.self)
            #expect(last.map(\.action) == ["household.search_id", "household.read"])
            #expect(!last[0].after.contains(resident) && last[0].after.contains(app.tuopin.protector.index(resident)))
        }
    }

    @Test func vocabularyInChineseIsTheTemplatesOwnText() throws {
        let localizer = try Localizer.load(from: packageRoot() + "Resources/Locales")
        let zh = localizer.translations(.zh)
        func check<T: OfficialValue>(_ type: T.Type) { for v in T.allCases { #expect(zh.vocab(v) == v.label, "\(v)") } }
        check(HouseholdAttribute.self); check(PovertyCause.self); check(HouseholdStatus.self); check(Relation.self)
        check(Ethnicity.self); check(Education.self); check(Schooling.self); check(Health.self);
        check(LabourAbility.self)
        check(GuaranteeKind.self); check(MeasureCategory.self); check(MeasureSubtype.self)
        for code in QualityCode.allCases { #expect(localizer.tables[.bo]![code.labelKey] != nil, "\(code)") }
        for field in HouseholdEditController.textFields + HouseholdEditController.flagFields {
            #expect(localizer.tables[.en]!["f_\(field)"] != nil)
        }
    }
}

@Suite struct HouseholdCreatePageTests {
    @Test func aClerkRegistersAHouseholdAndErrorsShowAtTheirFields() async throws {
        try await withTestApp(households: 30) { app in
            let cookie = try await app.webLogin("clerk2")
            var headers = HTTPHeaders(); headers.cookie(cookie)
            let csrf = CSRFMiddleware.token(forSession: cookie)
            try await app.testing().test(.GET, "/households/new", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("540103001201"))  // their villages to choose from
                #expect(!res.body.string.contains("540102001201"))
            }
            var form = [
                "_csrf": csrf, "number": "5401030012019901", "village": "540103001201", "attribute": "一般贫困户",
                "main_cause": "因病", "identified_year": "2021", "phone": "", "name": "格桑",
                "resident_id": ImportExportTests().idWithCheck("54010319700101777"), "ethnicity": "藏族",
                "education": "小学",
                "schooling": "非在校生", "health": "健康", "labour": "普通劳动力", "migrant_months": "0",
            ]
            var bad = form; bad["resident_id"] = "540103197001017770"; bad["migrant_months"] = "20"
            try await app.testing().test(
                .POST, "/households/new", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(bad, as: .urlEncodedForm)
                }
            ) { res in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains(#"id="resident_id-error""#) && html.contains(#"id="migrant_months-error""#))
            }
            #expect(try await Household.query(on: app.db).filter(\.$number == "5401030012019901").count() == 0)
            // This year has no standards yet: the household is saved, and the page asks to start its
            // identification once they exist.
            func create(_ number: String, _ id: String) async throws -> String? {
                var fields = form; fields["number"] = number; fields["resident_id"] = id
                var location: String?
                try await app.testing().test(
                    .POST, "/households/new", headers: headers,
                    beforeRequest: { req in try req.content.encode(fields, as: .urlEncodedForm) }
                ) { res in location = res.headers.first(name: .location) }
                return location
            }
            let first = try await create("5401030012019901", form["resident_id"]!)
            #expect(first?.hasSuffix("?saved=household_applied") == true)
            let copy = try #require(try await StandardRecord.find(2020, on: app.db))
            copy.id = app.clock.today.year; copy.$id.exists = false
            try await copy.create(on: app.db)
            let second = try await create("5401030012019902", ImportExportTests().idWithCheck("54010319700101779"))
            #expect(second?.hasSuffix("?saved=identification_started") == true)
            // Entered on the web, a family applies: watched, with its identification (两公示一公告) started —
            // never registered as 未脱贫 without it.
            for (number, started) in [("5401030012019901", false), ("5401030012019902", true)] {
                let h = try #require(try await Household.query(on: app.db).filter(\.$number == number).first())
                #expect(h.status == .applicant && h.memberCount == 1)
                let cases = try await WorkflowCase.query(on: app.db).filter(\.$householdID == h.id!).all()
                #expect(cases.map(\.workflow) == (started ? ["W-identification"] : []))
            }
            form["village"] = "540102001201"; form["number"] = "5401020012019901"
            form["resident_id"] = ImportExportTests().idWithCheck("54010319700101888")
            try await app.testing().test(
                .POST, "/households/new", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(form, as: .urlEncodedForm)
                }
            ) { res in #expect(res.body.string.contains("E-SCOPE")) }
        }
    }
}

@Suite struct HouseholdPageFormsTests {
    @Test func incomeAndGuaranteeFormsSaveAndRefuseBadInput() async throws {
        try await withTestApp { app in
            let (headers, csrf) = try await app.session("clerk1")
            let id = try await app.householdID(inTownship: "540102001")
            try await app.testing().test(.GET, "/households/\(id)", headers: headers) { res in
                #expect(res.body.string.contains(#"id="income-form""#))
            }
            try await app.testing().test(
                .POST, "/households/\(id)/incomes", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(
                        [
                            "_csrf": csrf, "version": "1", "year": "2021", "wage": "abc", "business": "0",
                            "property": "0", "transfer": "0", "costs": "0",
                        ], as: .urlEncodedForm)
                }
            ) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains(#"id="form-error""#) && res.body.string.contains("wage"))
            }
            try await app.testing().test(
                .POST, "/households/\(id)/incomes", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(
                        [
                            "_csrf": csrf, "version": "1", "year": "2021", "wage": "6000", "business": "500.5",
                            "property": "", "transfer": "100", "costs": " ",
                        ], as: .urlEncodedForm)
                }
            ) { res in #expect(res.status == .seeOther) }
            let income = try #require(
                try await IncomeRecord.query(on: app.db).filter(\.$householdID == id).filter(\.$year == 2021).first())
            #expect(income.business == 50_050)
            // Left empty on the page, an income is none (issue #24 item 6).
            #expect(income.property == 0 && income.costs == 0)
            try await app.testing().test(
                .POST, "/households/\(id)/guarantees/water", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(["_csrf": csrf, "version": "2", "note": "水源较远"], as: .urlEncodedForm)
                }
            ) { res in #expect(res.status == .seeOther) }
            let water = try #require(
                try await Guarantee.query(on: app.db).filter(\.$householdID == id).filter(\.$kind == .water).first())
            #expect(!water.met && water.note == "水源较远")
            // A stale form (version 1 again) is refused without a change.
            try await app.testing().test(
                .POST, "/households/\(id)/guarantees/water", headers: headers,
                beforeRequest: { req in
                    try req.content.encode(["_csrf": csrf, "version": "1", "met": "1"], as: .urlEncodedForm)
                }
            ) { res in #expect(res.status == .unprocessableEntity) }
            #expect(
                try await Guarantee.query(on: app.db).filter(\.$householdID == id).filter(\.$kind == .water).first()!
                    .met == false)
        }
    }
}
