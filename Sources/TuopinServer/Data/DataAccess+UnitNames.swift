import Fluent
import TuopinCore

/// Unit names, the kernel's one place for them (issue #23): org units are reference data, named to
/// anyone who sees a record of theirs.
extension DataAccess {
    /// The names of `codes`, by code (codes without a unit are left out).
    func unitNames(_ codes: Set<String>) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        let units = try await rows(OrgUnit.self).filter(\.$id ~~ Array(codes)).all()
        return Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) })
    }

    /// "拉萨市城关区…乡…村": the unit's name with its ancestors below the region.
    func fullName(of code: String) async throws -> String {
        guard let org = OrgCode(code) else { return code }
        let lineage = org.lineage.filter { $0.level != .region }.map(\.value)
        let byCode = try await unitNames(Set(lineage))
        return lineage.compactMap { byCode[$0] }.joined()
    }
}
