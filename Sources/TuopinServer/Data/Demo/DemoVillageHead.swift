/// The head of a registered household, by village: the people the demo's party-member leaders lead
/// and the households of its joint units.
struct DemoVillageHead: Decodable {
    let member_id: Int; let household_id: Int; let village_code: String; let status: String
}
