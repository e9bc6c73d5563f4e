import Fluent
import TuopinCore
import Foundation

final class RoleBindingRecord: Model, @unchecked Sendable {
    static let schema = "role_bindings"
    @ID(custom: "id", generatedBy: .database) var id: RowID<RoleBindingRecord>?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: Role
    @Field(key: "unit_code") var unitCode: String
    init() {}
    init(userID: RowID<User>, role: Role, unitCode: String) {
        $user.id = userID; self.role = role; self.unitCode = unitCode
    }
}
