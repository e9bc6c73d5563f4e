import Foundation

extension MembersTemplate {
    /// Reads a members file one row at a time and keeps only what checks across rows need (issue #27
    /// item 3): each resident ID as a number (its first 17 digits) with its first row, and per household
    /// its number, the hashes of its household cells, its first row, head count and member count. An
    /// import validates a million-person file in one pass without holding its rows, then reads the file
    /// again to write it (`record(_:row:today:)`).
    public struct Validator: Sendable {
        public let today: CivilDate
        public private(set) var problems: [ImportProblem] = []
        /// Rows read after the header.
        public private(set) var rows = 0
        /// Valid rows (people) read.
        public private(set) var people = 0
        private var headerRead = false
        private var headerFailed = false
        private var idRows: [UInt64: Int32] = [:]
        private var ordinals: [String: Int32] = [:]
        private var numbers: [String] = []
        /// `householdColumns.count` hashes per household, of the cells of its first row.
        private var cellHashes: [Int] = []
        private var firstValidRow: [Int32] = []
        private var heads: [Int32] = []
        private var members: [Int32] = []
        private var invalid: [Bool] = []

        public init(today: CivilDate) { self.today = today }

        /// Households with at least one valid row.
        public var households: Int { members.count { $0 > 0 } }

        /// Whether `number` is a household of the file (any row, valid or not).
        public func contains(_ number: String) -> Bool { ordinals[number] != nil }

        /// Valid rows of household `number` (what the writing pass waits for before writing it).
        public func memberCount(of number: String) -> Int { ordinals[number].map { Int(members[Int($0)]) } ?? 0 }

        /// Checks one row (the first is the header); a valid row comes back read.
        public mutating func read(_ raw: [String]) -> Row? {
            guard headerRead else {
                headerRead = true
                if let problem = TemplateRows.headerProblem(raw, header: header) {
                    problems.append(problem)
                    headerFailed = true
                }
                return nil
            }
            rows += 1
            guard !headerFailed else { return nil }
            let rowNumber = rows + 1
            let cells = TemplateRows.cells(raw, width: header.count)
            var reader = RowReader(cells: cells, rowNumber: rowNumber)
            let f = readFields(&reader, today: today)
            var rowProblems = reader.problems
            if let id = f.residentID, let key = UInt64(id.value.prefix(17)) {
                if let first = idRows[key] {
                    rowProblems.append(
                        ImportProblem(
                            row: rowNumber, column: header[10], code: .idDuplicate, message: "与第 \(first) 行的证件号码相同"))
                } else {
                    idRows[key] = Int32(rowNumber)
                }
            }
            var ordinal: Int?
            if let number = f.number {
                ordinal = householdOrdinal(number, cells: cells, row: rowNumber, problems: &rowProblems)
            }
            problems += rowProblems
            guard rowProblems.isEmpty, let ordinal, let row = MembersTemplate.row(f, rowNumber: rowNumber) else {
                if let ordinal { invalid[ordinal] = true }
                return nil
            }
            if members[ordinal] == 0 { firstValidRow[ordinal] = Int32(rowNumber) }
            members[ordinal] += 1
            if row.member.relation == .head { heads[ordinal] += 1 }
            people += 1
            return Row(household: row.household, member: row.member, isFirst: members[ordinal] == 1)
        }

        /// The household's ordinal; a row whose household cells differ from its first row's is a problem.
        private mutating func householdOrdinal(
            _ number: String, cells: [String], row: Int, problems: inout [ImportProblem]
        ) -> Int {
            let hashes = householdColumns.map { cells[$0].hashValue }
            guard let known = ordinals[number].map(Int.init) else {
                ordinals[number] = Int32(numbers.count)
                numbers.append(number)
                cellHashes += hashes
                firstValidRow.append(0); heads.append(0); members.append(0); invalid.append(false)
                return numbers.count - 1
            }
            let seen = cellHashes[(known * hashes.count)..<((known + 1) * hashes.count)]
            if !seen.elementsEqual(hashes) {
                let differing = zip(householdColumns, zip(seen, hashes)).filter { $0.1.0 != $0.1.1 }.map {
                    header[$0.0]
                }
                problems.append(
                    ImportProblem(
                        row: row, column: differing.first ?? header[0], code: .householdSplit,
                        message: "同一户编号的户信息与前面的行不一致：" + differing.joined(separator: "、")))
            }
            return known
        }

        /// The problems of the whole file, in row order: every household with valid rows only has
        /// exactly one head.
        public func finish() -> [ImportProblem] {
            var out = problems
            for i in numbers.indices where members[i] > 0 && !invalid[i] && heads[i] != 1 {
                out.append(
                    ImportProblem(
                        row: Int(firstValidRow[i]), column: header[11], code: .head,
                        message: "户 \(numbers[i]) 有 \(heads[i]) 名户主，应恰好 1 名"))
            }
            return out.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        }
    }

    /// A valid row: its household's fields (no members) and its person.
    public struct Row: Sendable {
        public let household: HouseholdRecord
        public let member: MemberRecord
        /// The household's first valid row.
        public let isFirst: Bool
    }

    /// One row read again for writing, without the checks across rows (the file was validated):
    /// nil when the row is not valid on its own.
    public static func record(_ raw: [String], row rowNumber: Int, today: CivilDate) -> Row? {
        var reader = RowReader(cells: TemplateRows.cells(raw, width: header.count), rowNumber: rowNumber)
        let f = readFields(&reader, today: today)
        guard reader.problems.isEmpty, f.number != nil else { return nil }
        return row(f, rowNumber: rowNumber).map { Row(household: $0.household, member: $0.member, isFirst: false) }
    }

    fileprivate static func row(_ f: Fields, rowNumber: Int) -> (household: HouseholdRecord, member: MemberRecord)? {
        guard let number = f.number, let village = f.village, let attribute = f.attribute,
            let mainCause = f.mainCause, let identified = f.identified ?? nil, let status = f.status,
            let exitYear = f.exitYear, let name = f.name, let residentID = f.residentID, let relation = f.relation,
            let ethnicity = f.ethnicity, let education = f.education, let schooling = f.schooling,
            let health = f.health, let labour = f.labour, let months = f.months ?? nil
        else { return nil }
        let member = MemberRecord(
            name: name, residentID: residentID, relation: relation, ethnicity: ethnicity,
            education: education, schooling: schooling, health: health, disabilityGrade: f.grade,
            labour: labour, migrantMonths: months, row: rowNumber)
        let household = HouseholdRecord(
            number: number, village: village, attribute: attribute, mainCause: mainCause,
            otherCauses: f.otherCauses, identifiedYear: identified, status: status,
            exitYear: exitYear, phone: f.phone, members: [], firstRow: rowNumber)
        return (household, member)
    }
}
