import Foundation
import Testing
import TuopinCore
@testable import TuopinServer

/// The audit page speaks in words (issue #24 item 10): every action the server writes has its name in
/// Chinese, Tibetan and English, and a changed code is shown by its label, not as stored.
@Suite struct AuditWordsTests {
    /// The actions written as a literal anywhere in the server, and those built from an enum.
    static func actions() throws -> Set<String> {
        let base = URL(fileURLWithPath: packageRoot() + "Sources/TuopinServer")
        var found = Set<String>()
        for case let url as URL in FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for m in text.matches(of: /action: "([a-z_]+\.[a-z_]+)"/) { found.insert(String(m.1)) }
            for m in text.matches(of: /[aA]ction: [^"\n]*\? "([a-z_]+\.[a-z_]+)" : "([a-z_]+\.[a-z_]+)"/) {
                found.insert(String(m.1)); found.insert(String(m.2))
            }
            for m in text.matches(of: /failedAction: "([a-z_]+\.[a-z_]+)"/) { found.insert(String(m.1)) }
        }
        func family(_ prefix: String, _ names: [String]) { names.forEach { found.insert(prefix + "." + $0) } }
        family("assessment", SchemeAction.allCases.map(\.rawValue))
        family("finding", FindingAction.allCases.map(\.rawValue))
        family("dispute", DisputeAction.allCases.map(\.rawValue))
        family("fund", LedgerMove.allCases.map(\.rawValue))
        family("project", LibraryRevision.Decision.allCases.map(\.rawValue))
        family("spotcheck", ["passed", "failed"])
        family("objection", ["accept", "reject"])
        family("case", ["reject", "step"])
        family("leader", ["project", "training", "beneficiary", "end"])
        family("export", ["fund_flow", "project_progress", "members", "incomes"])
        return found
    }

    @Test func everyActionHasWordsInEveryLanguage() throws {
        let localizer = try Localizer.load(from: packageRoot() + "Resources/Locales")
        let actions = try Self.actions()
        #expect(actions.count > 100)
        for language in Language.allCases {
            let t = localizer.translations(language)
            let bare = actions.filter { AuditEntryView.label($0, t) == $0 }.sorted()
            #expect(bare.isEmpty, "\(language): \(bare)")
        }
    }

    @Test func aChangedCodeIsShownByItsLabel() throws {
        let t = try Localizer.load(from: packageRoot() + "Resources/Locales").translations(.zh)
        let finding = AuditEntryView.changes(
            before: #"{"state":"open"}"#, after: #"{"state":"rectified","note":"open"}"#, entity: "finding", t)
        #expect(finding.map { "\($0.before)→\($0.after)" }.sorted() == ["→open", "待整改→已整改待验收"].sorted())
        let status = AuditEntryView.changes(
            before: "", after: #"{"status":"exitedWithPolicy","exit_year":"2020"}"#, entity: "household", t)
        #expect(status.contains { $0.after == "已脱贫享受政策" } && status.contains { $0.after == "2020" })
        // A name or a number that happens to look like a code stays as typed.
        let named = AuditEntryView.changes(before: "", after: #"{"address":"open"}"#, entity: "household", t)
        #expect(named.first?.after == "open")
        // What a field means can depend on the action: a sanction's measure, not a plan's.
        let sanction = AuditEntryView.changes(
            before: "", after: #"{"measure":"criticism","document_no":"藏纪〔2026〕12号"}"#, entity: "org_unit",
            action: "sanction.add", t)
        #expect(sanction.contains { $0.field == "奖惩措施" && $0.after == "通报批评" })
        #expect(sanction.contains { $0.field == "文号" })
        let login = AuditEntryView.changes(before: "", after: #"{"failed_logins":0}"#, entity: "user", t)
        #expect(login.first?.field == "连续登录失败次数")
    }
}
