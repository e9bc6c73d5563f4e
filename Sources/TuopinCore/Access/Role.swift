/// The roles of DESIGN.md's user table. A role is always bound to one org unit (a `RoleBinding`).
public enum Role: String, Codable, Sendable, CaseIterable {
    case clerk  // 扶贫专干, township
    case townshipLeader  // 乡镇主要负责人: certifies the township's data (article 24)
    case villageCadre  // village cadre / first secretary / work team
    case villageSupervisor  // 村务监督委员会
    case countyOffice
    case prefectureOffice
    case regionHQ  // 指挥部
    case discipline  // 纪委监委
    case audit  // 审计
    case procuratorate  // 检察院
    case systemAdmin  // 系统管理员
    case securityAdmin  // 安全管理员
    case auditAdmin  // 审计管理员
    case evaluator  // 第三方评估机构: an account region HQ has created for the evaluators it engages (article 7)

    /// The org levels a binding of this role may name.
    public var allowedLevels: Set<OrgLevel> {
        switch self {
        case .clerk, .townshipLeader: [.township]
        case .villageCadre, .villageSupervisor: [.village]
        case .countyOffice: [.county]
        case .prefectureOffice: [.prefecture]
        case .regionHQ, .systemAdmin, .securityAdmin, .auditAdmin, .evaluator: [.region]
        case .discipline, .audit, .procuratorate: [.region, .prefecture, .county]
        }
    }

    public var permissions: Set<Permission> {
        switch self {
        case .clerk: [.readRegistry, .writeRegistry, .seeFullIdentity, .seeHealth, .keepResponsibility, .manageFunds]
        // Article 25: the township inspects its villages regularly (督查, with findings and their rectification).
        case .townshipLeader: [.readRegistry, .certifyData, .seeHealth, .keepResponsibility, .inspect]
        case .villageCadre: [.readRegistry, .seeHealth]
        // The supervision committee checks village affairs and money, not members' illnesses.
        case .villageSupervisor: [.readRegistry]
        case .countyOffice:
            [
                .readRegistry, .seeFullIdentity, .keepVillageFigures, .seeHealth, .keepResponsibility, .manageFunds,
                .inspect, .assess,
            ]
        // Articles 15, 18, 40: a prefecture assesses its counties, a county its townships (item 8).
        case .prefectureOffice: [.readRegistry, .seeHealth, .keepResponsibility, .manageFunds, .inspect, .assess]
        // Article 6: the leading group sets the poverty line and exit standards; article 5: only the
        // region lets the principals of a poverty county go before it exits.
        case .regionHQ:
            [
                .readRegistry, .editStandards, .setQuotas, .seeHealth, .keepResponsibility, .grantLeadershipExemption,
                .manageFunds, .inspect, .assess, .evaluate,
            ]
        // Article 39: discipline and audit sit on inspection teams; article 9: they, and the
        // procuratorate, read everything in their scope and the audit log.
        case .discipline: [.readRegistry, .seeFullIdentity, .readAuditLog, .seeHealth, .inspect, .handleOversightCases]
        case .procuratorate: [.readRegistry, .seeFullIdentity, .readAuditLog, .seeHealth, .handleOversightCases]
        // Audit follows funds and records, not health.
        case .audit: [.readRegistry, .readAuditLog, .inspect, .handleOversightCases]
        case .systemAdmin: [.readAggregates, .manageUsers]
        case .securityAdmin: [.readAggregates]
        // The IT audit administrator reads the log (等保), not the oversight bodies' cases.
        case .auditAdmin: [.readAggregates, .readAuditLog]
        // Article 7: third-party evaluation is third-party — the evaluator records surveys, and reads figures only.
        case .evaluator: [.readAggregates, .evaluate]
        }
    }

    /// Message key for the role's name in every language.
    public var labelKey: String { "role_\(rawValue)" }

    /// The three administrator duties that no single user may combine (等保 三权分立).
    public static let separatedAdministrators: Set<Role> = [.systemAdmin, .securityAdmin, .auditAdmin]

    /// The administrator role a user already holds that `adding` may not join (on any unit), if any.
    public static func separationConflict(holding: some Sequence<Role>, adding: Role) -> Role? {
        guard separatedAdministrators.contains(adding) else { return nil }
        return holding.first { $0 != adding && separatedAdministrators.contains($0) }
    }
}

public enum Permission: String, Sendable, CaseIterable {
    /// Household-level data in scope.
    case readRegistry
    case writeRegistry
    /// Unmasked resident ID and phone numbers.
    case seeFullIdentity
    /// Members' health and disability (sensitive personal data): hidden from roles that do not need it.
    case seeHealth
    /// Counts and sums per unit, never individual records.
    case readAggregates
    case readAuditLog
    /// Opening, reading and annotating accountability cases (问责, articles 41–43): discipline,
    /// procuratorate and audit bodies — not the IT audit administrator who reads the log.
    case handleOversightCases
    case manageUsers
    /// The yearly standards (article 6).
    case editStandards
    /// Each village's registered rural population (village exit's denominator), kept by the county.
    case keepVillageFigures
    /// Identification quotas per county and year, and exemptions from them (article 6 scale control).
    case setQuotas
    /// Certifying a township's data for a period (article 24).
    case certifyData
    /// A unit's letters, progress reports, plans, cadres and principals (articles 4, 7, 10, 16, 22).
    case keepResponsibility
    /// Exempting a locked unit's principal change (R-05-1, R-20-2).
    case grantLeadershipExemption
    /// Receiving, allocating, spending and disclosing poverty funds, and keeping loans (articles 13, 21, 36).
    case manageFunds
    /// Running inspections (督查巡查, article 39): raising findings and accepting or reopening their rectification.
    case inspect
    /// The annual assessment (articles 15, 18, 40): a scheme, its steps and entered values — region HQ for
    /// prefectures and counties, a prefecture for its counties, a county for its townships (`Scope.mayAssess`).
    case assess
    /// Recording a third-party survey of a county (三率一度, article 7): region HQ or its evaluators, never
    /// the county (or anyone below region HQ) about itself.
    case evaluate
}

public struct RoleBinding: Hashable, Sendable, Codable {
    public let role: Role
    public let unit: OrgCode
    public init(role: Role, unit: OrgCode) { self.role = role; self.unit = unit }

    public enum Problem: Error, Equatable, Sendable { case levelNotAllowed(Role, OrgLevel) }

    public static func validated(role: Role, unit: OrgCode) throws(Problem) -> RoleBinding {
        guard role.allowedLevels.contains(unit.level) else { throw .levelNotAllowed(role, unit.level) }
        return RoleBinding(role: role, unit: unit)
    }
}
