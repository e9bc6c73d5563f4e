import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Loads the real region, prefectures and counties from `Resources/Data/xizang-divisions.csv`.
enum OrgTree {
    struct Division: Sendable { let code: OrgCode; let name: String }

    static func readDivisions(from path: String) throws -> [Division] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, let code = OrgCode(sixDigit: fields[0]) else {
                throw TuopinSettings.SettingError(
                    name: "Resources/Data/xizang-divisions.csv", problem: "bad line: \(line)")
            }
            return Division(code: code, name: fields[1])
        }
    }

    static func divisionsPath(_ app: Application) -> String {
        app.directory.resourcesDirectory + "Data/xizang-divisions.csv"
    }

    /// Inserts the tree if the table is empty; returns the number of units added.
    @discardableResult
    static func loadIfEmpty(_ app: Application) async throws -> Int {
        guard try await app.systemData.rows(OrgUnit.self).count() == 0 else { return 0 }
        let divisions = try readDivisions(from: divisionsPath(app)).sorted { $0.code < $1.code }
        let now = app.tuopin.now()
        try await app.write { tx in
            for d in divisions {
                try await OrgUnit(
                    code: d.code.value, name: d.name, level: d.code.level.rawValue,
                    parentCode: d.code.parent?.value, path: d.code.path,
                    isPovertyCounty: d.code.level == .county
                ).create(on: tx)
            }
            struct Loaded: Encodable { let units: Int; let source: String }
            try await AuditLog.append(
                on: tx, actor: .system, action: "org_tree.load", entity: "org_unit", entityID: "54",
                after: Loaded(units: divisions.count, source: "xizang-divisions.csv"), at: now)
        }
        return divisions.count
    }
}
