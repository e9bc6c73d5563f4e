import Foundation

/// The members template: one row per person, the household's columns repeated on each row.
public enum MembersTemplate {
    public static let header = [
        "户编号", "村级区划代码", "贫困户属性", "主要致贫原因", "其他致贫原因", "识别年度", "脱贫状态",
        "脱贫年度", "联系电话", "姓名", "证件号码", "与户主关系", "民族", "文化程度", "在校生情况",
        "健康状况", "劳动技能", "务工月数",
    ]
    /// The columns that describe the household and must agree on every row of it.
    static let householdColumns = 0...8

    public struct HouseholdRecord: Sendable, Equatable {
        public var number: String
        public var village: OrgCode
        public var attribute: HouseholdAttribute
        public var mainCause: PovertyCause
        public var otherCauses: [PovertyCause]
        public var identifiedYear: Int
        public var status: HouseholdStatus
        public var exitYear: Int?
        public var phone: String?
        public var members: [MemberRecord]
        /// Spreadsheet row of the household's first line.
        public var firstRow: Int
        public init(
            number: String, village: OrgCode, attribute: HouseholdAttribute, mainCause: PovertyCause,
            otherCauses: [PovertyCause], identifiedYear: Int, status: HouseholdStatus, exitYear: Int?,
            phone: String?, members: [MemberRecord], firstRow: Int = 0
        ) {
            self.number = number; self.village = village; self.attribute = attribute; self.mainCause = mainCause
            self.otherCauses = otherCauses; self.identifiedYear = identifiedYear; self.status = status
            self.exitYear = exitYear; self.phone = phone; self.members = members; self.firstRow = firstRow
        }
    }

    public struct MemberRecord: Sendable, Equatable {
        public var name: String
        public var residentID: ResidentID
        public var relation: Relation
        public var ethnicity: Ethnicity
        public var education: Education
        public var schooling: Schooling
        public var health: Health
        public var disabilityGrade: Int?
        public var labour: LabourAbility
        public var migrantMonths: Int
        public var row: Int
        public init(
            name: String, residentID: ResidentID, relation: Relation, ethnicity: Ethnicity, education: Education,
            schooling: Schooling, health: Health, disabilityGrade: Int?, labour: LabourAbility, migrantMonths: Int,
            row: Int = 0
        ) {
            self.name = name; self.residentID = residentID; self.relation = relation; self.ethnicity = ethnicity
            self.education = education; self.schooling = schooling; self.health = health
            self.disabilityGrade = disabilityGrade; self.labour = labour; self.migrantMonths = migrantMonths;
            self.row = row
        }
    }

    public struct Parsed: Sendable {
        public var households: [HouseholdRecord] = []
        public var problems: [ImportProblem] = []
        /// Rows read after the header.
        public var rows = 0
    }

    /// Validates every row (rows[0] is the header). Checks that need the database — village
    /// exists, scope, a person already in another household — are the caller's. Holds every valid
    /// household (for small files and tests); an import streams through `Validator` instead.
    public static func parse<Rows: Sequence<[String]>>(_ rows: Rows, today: CivilDate) -> Parsed {
        var validator = Validator(today: today)
        var order: [String] = []
        var byNumber: [String: HouseholdRecord] = [:]
        for raw in rows {
            guard let row = validator.read(raw) else { continue }
            let number = row.household.number
            if byNumber[number] == nil {
                order.append(number)
                byNumber[number] = row.household
            }
            byNumber[number]!.members.append(row.member)
        }
        return Parsed(households: order.map { byNumber[$0]! }, problems: validator.finish(), rows: validator.rows)
    }

    /// One row's cells and the problems found in them.
    struct RowReader {
        let cells: [String]
        let rowNumber: Int
        var problems: [ImportProblem] = []

        mutating func fail(_ column: Int, _ code: ImportErrorCode, _ message: String) {
            problems.append(ImportProblem(row: rowNumber, column: header[column], code: code, message: message))
        }

        mutating func required(_ column: Int) -> String? {
            let value = cells[column]
            if value.isEmpty { fail(column, .required, "必填"); return nil }
            return value
        }

        mutating func official<T: OfficialValue>(_ column: Int, _ type: T.Type) -> T? {
            guard let text = required(column) else { return nil }
            guard let value = T(label: text) else {
                fail(column, .enumValue, "“\(text)”不在可选值中：" + T.labels.joined(separator: "、")); return nil
            }
            return value
        }

        mutating func integer(_ column: Int, _ range: ClosedRange<Int>, optional: Bool = false) -> Int?? {
            let text = cells[column]
            if text.isEmpty { if optional { return .some(nil) }; fail(column, .required, "必填"); return nil }
            guard let n = Int(text), range.contains(n) else {
                fail(column, .number, "应为 \(range.lowerBound)–\(range.upperBound) 的整数"); return nil
            }
            return .some(n)
        }
    }

    /// A row's fields, each nil where its cell was refused (the reader says why).
    struct Fields {
        var number: String?, village: OrgCode?, attribute: HouseholdAttribute?, mainCause: PovertyCause?
        var otherCauses: [PovertyCause] = [], identified: Int??, status: HouseholdStatus?, exitYear: Int??,
            phone: String?
        var name: String?, residentID: ResidentID?, relation: Relation?, ethnicity: Ethnicity?, education: Education?
        var schooling: Schooling?, health: Health?, grade: Int?, labour: LabourAbility?, months: Int??
    }

    /// Reads and checks one row's cells, column by column.
    static func readFields(_ r: inout RowReader, today: CivilDate) -> Fields {
        var f = Fields()
        let cells = r.cells
        f.number = r.required(0)
        if let text = r.required(1) {
            if let code = OrgCode(text), code.level == .village {
                f.village = code
            } else {
                r.fail(1, .villageUnknown, "应为 12 位村级区划代码")
            }
        }
        f.attribute = r.official(2, HouseholdAttribute.self)
        f.mainCause = r.official(3, PovertyCause.self)
        for part in cells[4].split(whereSeparator: { $0 == ";" || $0 == "；" }).map({
            $0.trimmingCharacters(in: .whitespaces)
        })
        where !part.isEmpty {
            if let cause = PovertyCause(label: part) {
                f.otherCauses.append(cause)
            } else {
                r.fail(4, .enumValue, "“\(part)”不在可选值中：" + PovertyCause.labels.joined(separator: "、"))
            }
        }
        f.identified = r.integer(5, 2000...today.year)
        f.status = r.official(6, HouseholdStatus.self)
        f.exitYear = r.integer(7, 2000...today.year, optional: true)
        f.phone = cells[8].isEmpty ? nil : cells[8]
        if let phone = f.phone, !PhoneNumber.isValid(phone) { r.fail(8, .number, "电话号码应为 7–20 位数字") }
        f.name = r.required(9)
        if let text = f.name, PersonName.validated(text) == nil {
            r.fail(
                9, .text,
                text.count > PersonName.maxLength ? "姓名超过 \(PersonName.maxLength) 个字" : "姓名含有控制字符或不可见字符（如方向控制符、零宽字符）")
            f.name = nil
        }
        if let text = r.required(10) {
            do { f.residentID = try ResidentID(text, today: today) } catch {
                switch error {
                case .checkCharacter: r.fail(10, .idChecksum, "校验码不正确")
                case .birthDate: r.fail(10, .idBirth, "出生日期不是真实日期或晚于今天")
                case .length, .characters: r.fail(10, .idFormat, "应为 18 位，前 17 位为数字，末位为数字或 X")
                }
            }
        }
        f.relation = r.official(11, Relation.self)
        f.ethnicity = r.official(12, Ethnicity.self)
        f.education = r.official(13, Education.self)
        f.schooling = r.official(14, Schooling.self)
        if let text = r.required(15) {
            if let parsed = parseHealth(text) {
                (f.health, f.grade) = parsed
            } else {
                r.fail(15, .enumValue, "“\(text)”不在可选值中：" + Health.labels.joined(separator: "、") + "（残疾可写作“残疾二级”）")
            }
        }
        f.labour = r.official(16, LabourAbility.self)
        f.months = r.integer(17, 0...12)
        return f
    }

    static let gradeNames = ["一级", "二级", "三级", "四级"]

    /// `残疾二级` → (.disabled, 2); plain labels have no grade.
    static func parseHealth(_ text: String) -> (Health, Int?)? {
        if let plain = Health(label: text) { return (plain, nil) }
        let disabled = Health.disabled.label
        guard text.hasPrefix(disabled), let grade = gradeNames.firstIndex(of: String(text.dropFirst(disabled.count)))
        else { return nil }
        return (.disabled, grade + 1)
    }

    public static func healthLabel(_ health: Health, grade: Int?) -> String {
        guard health == .disabled, let grade, (1...4).contains(grade) else { return health.label }
        return health.label + gradeNames[grade - 1]
    }

    /// The cells of one exported row.
    public static func cells(household h: HouseholdRecord, member m: MemberRecord) -> [String] {
        [
            h.number, h.village.value, h.attribute.label, h.mainCause.label,
            h.otherCauses.map(\.label).joined(separator: ";"),
            String(h.identifiedYear), h.status.label, h.exitYear.map { String($0) } ?? "", h.phone ?? "", m.name,
            m.residentID.value, m.relation.label, m.ethnicity.label, m.education.label, m.schooling.label,
            healthLabel(m.health, grade: m.disabilityGrade), m.labour.label, String(m.migrantMonths),
        ]
    }
}
