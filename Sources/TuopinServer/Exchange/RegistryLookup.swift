import Foundation
import TuopinCore

/// The first pass of a members import asks the registry about the file a thousand people at a time
/// (issue #27 item 3): do the villages exist and are they the actor's, which households are already
/// registered (and where), which people are registered in another household. It keeps the problems,
/// the registered households of the file, and the people who seem to come from another household
/// until the whole file is known (a move within the file is no problem).
struct RegistryLookup {
    let registry: DataAccess
    let actor: ExchangeActor
    let protector: DataProtector
    static let batch = 1_000

    private(set) var problems: [ImportProblem] = []
    private(set) var existing: [String: (id: RowID<Household>, village: String)] = [:]
    private var villages: [String: Bool] = [:]
    private var moves: [(row: Int, owner: String, ownerVillage: String)] = []
    private var households: [(number: String, village: OrgCode, row: Int)] = []
    private var people: [(hmac: String, number: String, row: Int)] = []

    init(registry: DataAccess, actor: ExchangeActor, protector: DataProtector) {
        self.registry = registry; self.actor = actor; self.protector = protector
    }

    var isFull: Bool { people.count >= Self.batch }

    mutating func add(_ row: MembersTemplate.Row) {
        if row.isFirst { households.append((row.household.number, row.household.village, row.member.row)) }
        people.append((protector.index(row.member.residentID.value), row.household.number, row.member.row))
    }

    mutating func flush() async throws {
        let unknown = Set(households.map(\.village.value)).filter { villages[$0] == nil }
        if !unknown.isEmpty {
            let known = try await RegistryImport.existingVillages(Array(unknown), on: registry)
            for code in unknown { villages[code] = known.contains(code) }
        }
        let registered = try await RegistryImport.registeredHouseholds(numbers: households.map(\.number), on: registry)
        existing.merge(registered) { old, _ in old }
        let column = MembersTemplate.header
        for h in households {
            if villages[h.village.value] != true {
                problems.append(
                    ImportProblem(
                        row: h.row, column: column[1], code: .villageUnknown, message: "村级区划代码 \(h.village.value) 不存在"))
            } else if !actor.mayWrite(h.village) {
                problems.append(
                    ImportProblem(
                        row: h.row, column: column[1], code: .scope, message: "村 \(h.village.value) 不在您的管辖范围内"))
            } else if let old = registered[h.number], let village = OrgCode(old.village), !actor.mayWrite(village) {
                problems.append(
                    ImportProblem(row: h.row, column: column[0], code: .scope, message: "户 \(h.number) 已登记在您管辖范围以外的村"))
            }
        }
        let owners = try await RegistryImport.memberOwners(people.map(\.hmac), on: registry)
        for person in people {
            guard let owner = owners[person.hmac], owner.number != person.number else { continue }
            moves.append((person.row, owner.number, owner.village))
        }
        households.removeAll(keepingCapacity: true)
        people.removeAll(keepingCapacity: true)
    }

    /// People registered in a household that is not in the file: a duplicate. The household is named
    /// only to someone who may read it (issue #22 M1): the check must not become a search of the registry.
    func movesFromOutside(of file: MembersTemplate.Validator) -> [ImportProblem] {
        moves.filter { !file.contains($0.owner) }.map { move in
            let where_ = OrgCode(move.ownerVillage).map(actor.mayRead) == true ? "户 \(move.owner)" : "您管辖范围以外的一户"
            return ImportProblem(
                row: move.row, column: MembersTemplate.header[10], code: .idDuplicate, message: "此人已登记在\(where_)")
        }
    }
}
