import TuopinCore
import Vapor

/// `tuopin user add|grant|revoke|reset-2fa`: user and role administration on the server's command
/// line, audited as the operating-system user who runs it.
struct UserCommand: AsyncCommandGroup {
    var help: String { "Users and roles: add, grant, revoke, reset-2fa." }
    var commands: [String: any AnyAsyncCommand] {
        [
            "add": AddCommand(), "grant": RoleCommand(grant: true), "revoke": RoleCommand(grant: false),
            "reset-2fa": ResetTwoFactorCommand(),
        ]
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else {
            throw TuopinSettings.SettingError(
                name: "--role", problem: "one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    static var actor: AuditLog.Actor { ExchangeActor.operatingSystemUser().audit }

    struct AddCommand: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "name", help: "the person's name as shown in the application") var name: String?
            @Option(name: "role", help: "the role, e.g. clerk, countyOffice, securityAdmin") var role: String?
            @Option(name: "unit", help: "the org unit code the role applies to") var unit: String?
            @Argument(name: "username") var username: String
        }
        var help: String {
            "Creates a user with one role; prints a first password that must be changed at the first login."
        }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let name = signature.name, let role = signature.role, let unit = signature.unit else {
                throw TuopinSettings.SettingError(name: "tuopin user add", problem: "needs --name, --role and --unit")
            }
            let password = try await UserAdmin.add(
                app: context.application, username: signature.username, displayName: name,
                role: try UserCommand.role(role), unit: unit, actor: UserCommand.actor)
            context.console.print(
                "user \(signature.username) created; first password (change at first login): \(password)")
        }
    }

    /// `grant` and `revoke`: the same options, the opposite change.
    struct RoleCommand: AsyncCommand {
        let grant: Bool
        struct Signature: CommandSignature {
            @Option(name: "role", help: "the role") var role: String?
            @Option(name: "unit", help: "the org unit code") var unit: String?
            @Argument(name: "username") var username: String
        }
        var help: String {
            grant
                ? "Grants a role on a unit (never a second administrator role); the user's sessions end."
                : "Revokes a role on a unit; the user's sessions end."
        }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let role = signature.role, let unit = signature.unit else {
                throw TuopinSettings.SettingError(
                    name: grant ? "tuopin user grant" : "tuopin user revoke", problem: "needs --role and --unit")
            }
            let change = grant ? UserAdmin.grant : UserAdmin.revoke
            try await change(
                context.application, signature.username, try UserCommand.role(role), unit, UserCommand.actor)
            context.console.print(
                "\(grant ? "granted" : "revoked") \(role) on \(unit) \(grant ? "to" : "from") \(signature.username); "
                    + "their sessions have ended"
            )
        }
    }

    struct ResetTwoFactorCommand: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "reason", help: "why (recorded in the audit log), e.g. the ticket of a lost phone")
            var reason: String?
            @Argument(name: "username") var username: String
        }
        var help: String {
            "Turns a user's two-step sign-in off (lost phone); they enrol again at the next login if their role needs "
                + "it."
        }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let reason = signature.reason?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
                throw TuopinSettings.SettingError(name: "--reason", problem: "say why two-step sign-in is reset")
            }
            try await TwoFactorService.reset(
                app: context.application, username: signature.username, reason: reason, actor: UserCommand.actor)
            context.console.print("two-step sign-in of \(signature.username) reset; their sessions have ended")
        }
    }
}
