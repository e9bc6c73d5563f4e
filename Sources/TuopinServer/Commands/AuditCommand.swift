import Vapor

/// `tuopin audit verify`: walks the audit chain; exits non-zero naming the first broken entry.
struct AuditCommand: AsyncCommandGroup {
    var help: String { "Audit log tools." }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyCommand()] }

    struct VerifyCommand: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Checks every entry's hash against its contents and the entry before it." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let result = try await AuditVerifier.verify(on: context.application.db)
            if let broken = result.firstBreak {
                throw AuditChainBroken(detail: broken.description, checked: result.checked)
            }
            context.console.print("audit chain intact: \(result.checked) entries verified")
        }
    }

    struct AuditChainBroken: Error, CustomStringConvertible {
        let detail: String, checked: Int
        var description: String { "audit chain broken at \(detail) (\(checked) entries before it verified)" }
    }
}
