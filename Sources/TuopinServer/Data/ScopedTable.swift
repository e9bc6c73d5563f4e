import Fluent
import SQLKit
import TuopinCore

/// A table whose rows belong to an org unit. Each declares here, once, the columns that name its
/// unit; `DataAccess.rows(_:)` and `lookup(_:_:)` then filter every query to the reader's scope, so a
/// handler cannot forget to (issue #23).
protocol ScopedTable: Model {
    /// Where the table names its unit.
    static var scopeColumns: ScopeColumns { get }
}

/// The two shapes of unit columns in the schema.
enum ScopeColumns: Sendable {
    /// The four denormalised code columns (`prefecture_code` … `village_code`).
    case unitCodes
    /// One unit-code column; codes are prefixes of their descendants' codes.
    case code(String)

    /// Rows under any of `roots`; with none, no rows.
    func filter(_ roots: [OrgCode]) -> any SQLExpression {
        switch self {
        case .unitCodes: ScopeSQL.within(roots)
        case .code(let column): ScopeSQL.under(roots, column: column)
        }
    }
}

extension Household: ScopedTable { static var scopeColumns: ScopeColumns { .unitCodes } }
extension WorkflowCase: ScopedTable { static var scopeColumns: ScopeColumns { .unitCodes } }
extension QualityFinding: ScopedTable { static var scopeColumns: ScopeColumns { .unitCodes } }
extension LoanRecord: ScopedTable { static var scopeColumns: ScopeColumns { .unitCodes } }
extension Notice: ScopedTable { static var scopeColumns: ScopeColumns { .code("unit_code") } }
extension SpotCheckRecord: ScopedTable { static var scopeColumns: ScopeColumns { .code("county_code") } }
extension ProjectRecord: ScopedTable { static var scopeColumns: ScopeColumns { .code("site_code") } }
