import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The registry's roll-ups (see `CreateRollups`): kept current at the end of every write
/// transaction, read by the dashboards, the map and the unit pages, rebuilt and verified by
/// `tuopin rollup --rebuild`.
enum Rollups {
    static let schema = "rollups"
    static let dirtySchema = "rollup_dirty"
    /// The PostgreSQL advisory lock (a constant key) taken by `refresh`.
    static let advisoryLock = 5_401_000_001

    /// A roll-up dimension: what the cells of one unit are counted by besides status.
    enum Dimension: String, CaseIterable, Sendable {
        /// Status, year identified, year of exit.
        case years = "s"
        /// Status and household attribute (一般贫困户, 低保户 …).
        case attribute = "a"
        /// Status and main cause of poverty.
        case cause = "c"

        /// The columns of `households` selected as (identified_year, exit_year, category), and the
        /// ones of them grouped on (constants are not: SQL reads a number there as a column position).
        var groupExpressions: (identified: String, exit: String, category: String, grouped: String) {
            switch self {
            case .years: ("identified_year", "COALESCE(exit_year, 0)", "''", "identified_year, COALESCE(exit_year, 0)")
            case .attribute: ("0", "0", "attribute", "attribute")
            case .cause: ("0", "0", "main_cause", "main_cause")
            }
        }
    }

    // MARK: Keeping them current

    /// Recomputes the villages marked by the triggers and every unit above them, inside the
    /// caller's transaction. Cheap when nothing is marked (one indexed read).
    static func refresh(on dbAccess: DataAccess) async throws {
        let db = dbAccess.db
        let sql = db.sqlDatabase
        struct Marked: Decodable { let village_code: String }
        func marked() async throws -> [String] {
            try await sql.select().column("village_code").from(dirtySchema).all(decoding: Marked.self).map(
                \.village_code)
        }
        guard !(try await marked()).isEmpty else { return }
        // Several Tuopin instances on one PostgreSQL commit at once: each waits here for the one
        // refreshing before it (until that one commits), then reads what is still marked, so two
        // never recompute the same units from each other's half-written rows.
        if db.isPostgres { try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: advisoryLock))").run() }
        let villages = try await marked()
        guard !villages.isEmpty else { return }
        try await recompute(villages: villages, on: sql)
        for chunk in villages.chunked(500) {
            try await sql.delete(from: dirtySchema).where("village_code", .in, SQLBind.group(Array(chunk))).run()
        }
    }

    /// Recomputes the cells of `villages` from the households, then of each ancestor level from
    /// the level below, one statement per level.
    /// Progress counts the rounds of 500 villages and then the four levels above them.
    private static func recompute(villages: [String], on sql: any SQLDatabase, progress: ProgressHandler = { _, _ in })
        async throws
    {
        let rounds = (villages.count + 499) / 500, steps = rounds + OrgLevel.village.rawValue - OrgLevel.region.rawValue
        for (round, chunk) in villages.chunked(500).enumerated() {
            progress(round, steps)
            try await sql.delete(from: schema).where("unit_code", .in, SQLBind.group(Array(chunk))).run()
            for dim in Dimension.allCases {
                let g = dim.groupExpressions
                try await sql.raw(
                    """
                    INSERT INTO rollups (unit_code, parent_code, dim, status, identified_year, exit_year, category, \
                    households, people)
                    SELECT village_code, township_code, \(literal: dim.rawValue), status, \(unsafeRaw: g.identified), \
                    \(unsafeRaw: g.exit), \(unsafeRaw: g.category),
                    COUNT(*), SUM(member_count) FROM households WHERE village_code IN (\(binds: Array(chunk)))
                    GROUP BY village_code, township_code, status, \(unsafeRaw: g.grouped)
                    """
                ).run()
            }
        }
        var level = OrgLevel.village
        var codes = Set(villages)
        while let parentLevel = OrgLevel(rawValue: level.rawValue - 1) {
            let parents = Set(codes.compactMap { OrgCode($0)?.ancestor(at: parentLevel)?.value })
            let grandparent =
                OrgLevel(rawValue: parentLevel.rawValue - 1).map { "SUBSTR(parent_code, 1, \($0.codeLength))" } ?? "''"
            for chunk in Array(parents).chunked(500) {
                try await sql.delete(from: schema).where("unit_code", .in, SQLBind.group(Array(chunk))).run()
                try await sql.raw(
                    """
                    INSERT INTO rollups (unit_code, parent_code, dim, status, identified_year, exit_year, category, \
                    households, people)
                    SELECT parent_code, \(unsafeRaw: grandparent), dim, status, identified_year, exit_year, category, \
                    SUM(households), SUM(people)
                    FROM rollups WHERE parent_code IN (\(binds: Array(chunk)))
                    GROUP BY parent_code, dim, status, identified_year, exit_year, category
                    """
                ).run()
            }
            codes = parents
            level = parentLevel
            progress(rounds + OrgLevel.village.rawValue - level.rawValue, steps)
        }
    }

    /// Makes sure nothing marked is left before a read (a database written outside the write
    /// gate, or migrated from before roll-ups existed).
    static func ensureCurrent(_ app: Application) async throws {
        struct Marked: Decodable { let village_code: String }
        let any = try await app.db.sqlDatabase.select().column("village_code").from(dirtySchema).limit(1).all(
            decoding: Marked.self)
        if !any.isEmpty { try await app.write { tx in try await refresh(on: tx) } }
    }

    // MARK: Rebuild and verify

    struct Mismatch: Sendable, Equatable, CustomStringConvertible {
        let unit: String; let dim: String; let key: String; let kept: Int64; let rebuilt: Int64
        var description: String { "\(unit) \(dim) \(key): kept \(kept), recomputed \(rebuilt)" }
    }

    /// Recomputes every cell from scratch and compares it with what was kept; the rebuilt cells
    /// replace the kept ones. Returns the differences (none when the roll-ups were current).
    static func rebuild(
        _ app: Application, actor: AuditLog.Actor,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> (cells: Int, mismatches: [Mismatch]) {
        let now = app.tuopin.now()
        return try await app.write { tx in
            let sql = tx.sqlDatabase
            let before = try await allCells(on: sql)
            try await sql.delete(from: schema).run()
            try await sql.delete(from: dirtySchema).run()
            struct Village: Decodable { let code: String }
            let villages = try await sql.raw("SELECT DISTINCT village_code AS code FROM households").all(
                decoding: Village.self
            ).map(\.code)
            if !villages.isEmpty { try await recompute(villages: villages, on: sql, progress: progress) }
            let after = try await allCells(on: sql)
            var mismatches: [Mismatch] = []
            for key in Set(before.keys).union(after.keys).sorted() {
                let kept = before[key] ?? (0, 0), rebuilt = after[key] ?? (0, 0)
                if kept.0 != rebuilt.0 {
                    mismatches.append(
                        Mismatch(
                            unit: key.unit, dim: key.dim, key: key.key + " households", kept: kept.0, rebuilt: rebuilt.0
                        ))
                }
                if kept.1 != rebuilt.1 {
                    mismatches.append(
                        Mismatch(
                            unit: key.unit, dim: key.dim, key: key.key + " people", kept: kept.1, rebuilt: rebuilt.1))
                }
            }
            try await AuditLog.append(
                on: tx, actor: actor, action: "rollup.rebuild", entity: "rollup", entityID: "54",
                after: ["cells": String(after.count), "differed": String(mismatches.count)], at: now)
            return (after.count, mismatches)
        }
    }

    struct CellKey: Hashable, Comparable {
        let unit: String; let dim: String; let key: String
        static func < (a: CellKey, b: CellKey) -> Bool { (a.unit, a.dim, a.key) < (b.unit, b.dim, b.key) }
    }

    private static func allCells(on sql: any SQLDatabase) async throws -> [CellKey: (Int64, Int64)] {
        struct Row: Decodable {
            let unit_code: String; let dim: String; let status: String; let identified_year: Int; let exit_year: Int;
            let category: String
            let households: Int64; let people: Int64
        }
        let rows = try await sql.select().column("*").from(schema).all(decoding: Row.self)
        var cells: [CellKey: (Int64, Int64)] = [:]
        for r in rows {
            let key = CellKey(
                unit: r.unit_code, dim: r.dim, key: "\(r.status)/\(r.identified_year)/\(r.exit_year)/\(r.category)")
            cells[key, default: (0, 0)].0 += r.households
            cells[key, default: (0, 0)].1 += r.people
        }
        // A cell of zero households is the same as no cell.
        return cells.filter { $0.value.0 != 0 || $0.value.1 != 0 }
    }

    // MARK: Reading

    /// The status/year cells of one unit.
    static func cells(of unit: String, on dbAccess: DataAccess) async throws -> [RollupCell] {
        let db = dbAccess.db
        struct Row: Decodable {
            let status: String; let identified_year: Int; let exit_year: Int; let households: Int64; let people: Int64
        }
        return try await db.sqlDatabase.select().columns(
            "status", "identified_year", "exit_year", "households", "people"
        ).from(schema)
            .where("unit_code", .equal, SQLBind(unit)).where("dim", .equal, SQLBind(Dimension.years.rawValue))
            .all(decoding: Row.self)
            .map {
                RollupCell(
                    status: $0.status, identifiedYear: $0.identified_year, exitYear: $0.exit_year,
                    households: Int($0.households), people: Int($0.people))
            }
    }

    /// The status/year cells of every child of `parent`, by child code.
    static func childCells(of parent: String, on dbAccess: DataAccess) async throws -> [String: [RollupCell]] {
        let db = dbAccess.db
        struct Row: Decodable {
            let unit_code: String; let status: String; let identified_year: Int; let exit_year: Int;
            let households: Int64; let people: Int64
        }
        let rows = try await db.sqlDatabase.select().columns(
            "unit_code", "status", "identified_year", "exit_year", "households", "people"
        ).from(schema)
            .where("parent_code", .equal, SQLBind(parent)).where("dim", .equal, SQLBind(Dimension.years.rawValue))
            .all(decoding: Row.self)
        return Dictionary(grouping: rows, by: \.unit_code).mapValues { rows in
            rows.map {
                RollupCell(
                    status: $0.status, identifiedYear: $0.identified_year, exitYear: $0.exit_year,
                    households: Int($0.households), people: Int($0.people))
            }
        }
    }

    /// The cells of every county, by county code (for the map).
    /// Each county's households and people by status (all years together: the cells' years are 0),
    /// for the counties of `prefectures`.
    static func countyStatusCells(prefectures: [String], on dbAccess: DataAccess) async throws -> [String: [RollupCell]]
    {
        let db = dbAccess.db
        guard !prefectures.isEmpty else { return [:] }
        struct Row: Decodable { let unit_code: String; let status: String; let households: Int64; let people: Int64 }
        let rows = try await db.sqlDatabase.select().column("unit_code").column("status")
            .column(DataAccess.bigintSum("households"), as: "households").column(
                DataAccess.bigintSum("people"), as: "people"
            )
            .from(schema).where("dim", .equal, SQLBind(Dimension.years.rawValue)).where(
                "parent_code", .in, SQLBind.group(prefectures)
            )
            .groupBy("unit_code").groupBy("status").all(decoding: Row.self)
        return Dictionary(grouping: rows, by: \.unit_code).mapValues { rows in
            rows.map {
                RollupCell(
                    status: $0.status, identifiedYear: 0, exitYear: 0, households: Int($0.households),
                    people: Int($0.people))
            }
        }
    }

    /// Households and people of one unit by status and category (attribute or main cause).
    static func categories(of unit: String, _ dim: Dimension, on dbAccess: DataAccess) async throws -> [(
        status: String, category: String, count: HeadCount
    )] {
        let db = dbAccess.db
        struct Row: Decodable { let status: String; let category: String; let households: Int64; let people: Int64 }
        return try await db.sqlDatabase.select().columns("status", "category", "households", "people").from(schema)
            .where("unit_code", .equal, SQLBind(unit)).where("dim", .equal, SQLBind(dim.rawValue))
            .all(decoding: Row.self)
            .map { ($0.status, $0.category, HeadCount(households: Int($0.households), people: Int($0.people))) }
    }
}
