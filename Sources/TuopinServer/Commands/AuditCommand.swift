import Vapor

/// `tuopin audit verify`: walks the audit chain; exits non-zero naming the first broken entry.
struct AuditCommand: AsyncCommandGroup {
    var help: String { "Audit log tools." }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyCommand(), "anchor": AnchorCommand()] }

    struct VerifyCommand: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(
                name: "against",
                help:
                    "an anchor file (data/audit-anchor.log or a copy): every anchored entry must still be there, "
                    + "unchanged"
            )
            var against: String?
        }
        var help: String {
            "Checks every entry's hash against its contents and the entry before it (and, with --against, the anchors)."
        }

        func run(using context: CommandContext, signature: Signature) async throws {
            let result = try await AuditVerifier.verify(on: context.application.systemData)
            if let broken = result.firstBreak {
                throw AuditChainBroken(detail: broken.description, checked: result.checked)
            }
            var anchored = ""
            if let path = signature.against {
                let anchors = try AuditAnchor.read(URL(fileURLWithPath: path))
                try await AuditAnchor.check(on: context.application.systemData, anchors: anchors)
                anchored = ", \(anchors.count) anchors match"
            }
            context.console.print("audit chain intact: \(result.checked) entries verified\(anchored)")
        }
    }

    struct AnchorCommand: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String {
            "Appends the chain's head to data/audit-anchor.log (the server does this hourly and at shutdown)."
        }

        func run(using context: CommandContext, signature: Signature) async throws {
            let head = try await AuditAnchor.write(app: context.application)
            context.console.print(
                head.map {
                    "anchored entry \($0.id) \($0.hash.prefix(16))… in \(AuditAnchor.file(context.application).path)"
                } ?? "the audit log is empty")
        }
    }

    struct AuditChainBroken: Error, CustomStringConvertible {
        let detail: String, checked: Int
        var description: String { "audit chain broken at \(detail) (\(checked) entries before it verified)" }
    }
}
