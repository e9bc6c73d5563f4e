import Fluent
import SQLKit

/// The full registry of the registry issue: household details, member attributes,
/// guarantees, and household plans with measures.
struct ExtendRegistry: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.addColumns(
            "households",
            [
                FieldSpec("attribute", .string, .required, .sql(.default("general"))),
                FieldSpec("main_cause", .string, .required, .sql(.default("lackCapital"))),
                FieldSpec("other_causes", .string, .required, .sql(.default(""))),
                FieldSpec("address", .string, .required, .sql(.default(""))),
                FieldSpec("phone_cipher", .string),
                FieldSpec("phone_masked", .string),
                FieldSpec("planned_exit_year", .int),
                FieldSpec("housing_area", .double),
                FieldSpec("dangerous_grade", .string),
                FieldSpec("housing_safe", .bool, .required, .sql(.default(true))),
                FieldSpec("water_safe", .bool, .required, .sql(.default(true))),
                FieldSpec("electricity", .bool, .required, .sql(.default(true))),
                FieldSpec("road_distance_km", .double),
                FieldSpec("land_cultivated", .double, .required, .sql(.default(0))),
                FieldSpec("land_irrigated", .double, .required, .sql(.default(0))),
                FieldSpec("land_forest", .double, .required, .sql(.default(0))),
                FieldSpec("land_grassland", .double, .required, .sql(.default(0))),
                FieldSpec("relocated", .bool, .required, .sql(.default(false))),
                FieldSpec("cooperative", .bool, .required, .sql(.default(false))),
                FieldSpec("joint_unit", .string),
            ])
        try await db.addColumns(
            "members",
            [
                FieldSpec("ethnicity", .string, .required, .sql(.default("tibetan"))),
                FieldSpec("education", .string, .required, .sql(.default("primary"))),
                FieldSpec("schooling", .string, .required, .sql(.default("notInSchool"))),
                FieldSpec("health", .string, .required, .sql(.default("healthy"))),
                FieldSpec("disability_grade", .int),
                FieldSpec("labour", .string, .required, .sql(.default("ordinary"))),
                FieldSpec("migrant_months", .int, .required, .sql(.default(0))),
                FieldSpec("medical_insurance", .bool, .required, .sql(.default(true))),
                FieldSpec("serious_illness_insurance", .bool, .required, .sql(.default(true))),
                FieldSpec("pension_insurance", .bool, .required, .sql(.default(false))),
                FieldSpec("dibao", .bool, .required, .sql(.default(false))),
                FieldSpec("tekun", .bool, .required, .sql(.default(false))),
            ])
        try await db.ddl(
            "CREATE INDEX idx_households_status ON households (status)",
            "CREATE INDEX idx_members_name ON members (name)")
        try await db.schema("guarantees")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("met", .bool, .required)
            .field("note", .string, .required)
            .unique(on: "household_id", "kind")
            .create()
        try await db.schema("household_plans")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("year", .int, .required)
            .field("goal", .string, .required)
            .unique(on: "household_id", "year")
            .create()
        try await db.schema("measures")
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("household_plans", "id", onDelete: .cascade))
            .field("category", .string, .required)
            .field("subtype", .string, .required)
            .field("content", .string, .required)
            .field("amount", .int64, .required)
            .field("start_date", .string, .required)
            .field("end_date", .string, .required)
            .field("cadre_id", .int, .references("cadres", "id"))
            .field("outcome", .string, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_measures_plan ON measures (plan_id)")
    }

    func revert(on db: any Database) async throws {
        for table in ["measures", "household_plans", "guarantees"] { try await db.schema(table).delete() }
        try await db.ddl("DROP INDEX idx_households_status", "DROP INDEX idx_members_name")
        for column in [
            "ethnicity", "education", "schooling", "health", "disability_grade", "labour", "migrant_months",
            "medical_insurance", "serious_illness_insurance", "pension_insurance", "dibao", "tekun",
        ] {
            try await db.schema("members").deleteField(FieldKey(stringLiteral: column)).update()
        }
        for column in [
            "attribute", "main_cause", "other_causes", "address", "phone_cipher", "phone_masked",
            "planned_exit_year", "housing_area", "dangerous_grade", "housing_safe", "water_safe", "electricity",
            "road_distance_km", "land_cultivated", "land_irrigated", "land_forest", "land_grassland",
            "relocated", "cooperative", "joint_unit",
        ] {
            try await db.schema("households").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}

/// One column for `addColumns`.
struct FieldSpec {
    let name: String, type: DatabaseSchema.DataType, constraints: [DatabaseSchema.FieldConstraint]
    init(_ name: String, _ type: DatabaseSchema.DataType, _ constraints: DatabaseSchema.FieldConstraint...) {
        self.name = name; self.type = type; self.constraints = constraints
    }
}

extension Database {
    /// Adds columns one ALTER TABLE at a time: SQLite takes only one column per statement.
    func addColumns(_ table: String, _ fields: [FieldSpec]) async throws {
        for field in fields {
            try await schema(table).field(
                .definition(
                    name: .key(FieldKey(stringLiteral: field.name)), dataType: field.type,
                    constraints: field.constraints)
            ).update()
        }
    }
}
