import Fluent
import TuopinCore
import Foundation

/// One administrative unit of the five-level tree. Its id is its division code.
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "org_units"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: Int
    @OptionalField(key: "parent_code") var parentCode: String?
    @Field(key: "path") var path: String
    @Field(key: "is_poverty_county") var isPovertyCounty: Bool
    /// A village or township registered as poor (贫困村, 贫困乡镇; `PoorUnit`); with `exitYear` once it exited.
    @Field(key: "is_poor") var isPoor: Bool
    @OptionalField(key: "exit_year") var exitYear: Int?
    @OptionalField(key: "secretary_id") var secretaryID: RowID<Cadre>?
    @OptionalField(key: "head_id") var headID: RowID<Cadre>?
    /// Registered rural population (village exit's denominator), kept by the county.
    @OptionalField(key: "rural_population") var ruralPopulation: Int?
    @Field(key: "version") var version: Int

    init() {}
    init(code: String, name: String, level: Int, parentCode: String?, path: String, isPovertyCounty: Bool = false) {
        id = code; self.name = name; self.level = level; self.parentCode = parentCode; self.path = path
        self.isPovertyCounty = isPovertyCounty; isPoor = false; version = 1
    }
}

extension OrgUnit {
    /// Registered as poor: a county by its poverty-county flag, a village or township by `isPoor` (`PoorUnit`).
    var registeredPoor: Bool { level == OrgLevel.county.rawValue ? isPovertyCounty : isPoor }
}
