import Testing
@testable import TuopinCore

@Suite struct ScopeTests {
    @Test func clerkReachesOnlyTheirTownship() {
        let scope = Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540102001")!)])
        #expect(scope.permits(.readRegistry, on: OrgCode("540102001201")!))
        #expect(scope.permits(.writeRegistry, on: OrgCode("540102001")!))
        #expect(!scope.permits(.readRegistry, on: OrgCode("540102002201")!))
        #expect(!scope.permits(.readRegistry, on: OrgCode("540102")!))
        #expect(scope.homeUnit == OrgCode("540102001"))
    }

    @Test func rootsDropNestedBindings() {
        let scope = Scope(bindings: [
            RoleBinding(role: .countyOffice, unit: OrgCode("540102")!),
            RoleBinding(role: .clerk, unit: OrgCode("540102001")!),
            RoleBinding(role: .clerk, unit: OrgCode("540103001")!),
        ])
        #expect(scope.roots(for: .readRegistry) == [OrgCode("540102")!, OrgCode("540103001")!])
        #expect(scope.roots(for: .writeRegistry) == [OrgCode("540102001")!, OrgCode("540103001")!])
    }

    @Test func systemAdministratorSeesAggregatesButNoRecords() {
        let scope = Scope(bindings: [RoleBinding(role: .systemAdmin, unit: OrgCode("54")!)])
        #expect(scope.permitsAggregates(on: OrgCode("540102")!))
        #expect(!scope.permits(.readRegistry, on: OrgCode("540102")!))
    }

    @Test func onlyRegionHQSetsStandards() {
        for role in Role.allCases {
            #expect(role.permissions.contains(.editStandards) == (role == .regionHQ), "\(role)")
        }
    }

    @Test func nobodyReachesNothing() {
        #expect(!Scope.nobody.permitsAggregates(on: OrgCode("54")!))
        #expect(Scope.nobody.homeUnit == nil)
    }

    @Test func bindingLevelsAreChecked() {
        #expect(throws: RoleBinding.Problem.levelNotAllowed(.clerk, .county)) {
            try RoleBinding.validated(role: .clerk, unit: OrgCode("540102")!)
        }
        #expect(throws: Never.self) {
            try RoleBinding.validated(role: .villageSupervisor, unit: OrgCode("540102001201")!)
        }
    }
}
