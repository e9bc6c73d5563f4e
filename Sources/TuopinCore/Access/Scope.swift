/// What a user may reach: the union of the subtrees of their role bindings, per permission.
/// The server's data-access layer turns a scope into query filters; nothing else decides access.
public struct Scope: Sendable, Equatable {
    public let bindings: [RoleBinding]

    public init(bindings: [RoleBinding]) { self.bindings = bindings }

    public static let nobody = Scope(bindings: [])

    /// The roots of the subtrees where `permission` holds, with roots inside other roots removed.
    public func roots(for permission: Permission) -> [OrgCode] {
        let codes = Set(bindings.filter { $0.role.permissions.contains(permission) }.map(\.unit)).sorted()
        return codes.filter { code in !codes.contains { $0 != code && code.isSelfOrDescendant(of: $0) } }
    }

    public func permits(_ permission: Permission, on unit: OrgCode) -> Bool {
        roots(for: permission).contains { unit.isSelfOrDescendant(of: $0) }
    }

    /// Aggregates (counts, sums) are visible wherever individual records are, and wherever the
    /// role grants aggregates alone.
    public func permitsAggregates(on unit: OrgCode) -> Bool {
        permits(.readAggregates, on: unit) || permits(.readRegistry, on: unit)
    }

    public func has(_ permission: Permission) -> Bool { !roots(for: permission).isEmpty }

    /// The unit a user lands on: the highest of their bindings.
    public var homeUnit: OrgCode? {
        bindings.map(\.unit).min { ($0.level, $0.value) < ($1.level, $1.value) }
    }

    public var roles: [Role] { bindings.map(\.role) }
}
