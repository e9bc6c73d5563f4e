import Vapor

/// Registers every route from `SiteURL`.
func routes(_ app: Application) throws {
    app.get(SiteURL.home.pathComponents, use: UnitController.home)
    app.get(SiteURL.login.pathComponents, use: SessionController.showLogin)
    app.post(SiteURL.login.pathComponents, use: SessionController.login)
    app.post(SiteURL.logout.pathComponents, use: SessionController.logout)
    app.get(SiteURL.language(nil).pathComponents, use: SessionController.language)
    app.get(SiteURL.unit(nil).pathComponents, use: UnitController.show)
    app.get(SiteURL.households.pathComponents, use: HouseholdListController.index)
    app.get(SiteURL.householdsExport(nil, nil).pathComponents, use: HouseholdListController.export)
    app.get(SiteURL.householdNew.pathComponents, use: HouseholdCreateController.show)
    app.post(SiteURL.householdNew.pathComponents, use: HouseholdCreateController.save)
    app.get(SiteURL.household(nil).pathComponents, use: HouseholdController.show)
    app.get(SiteURL.householdEdit(nil).pathComponents, use: HouseholdEditController.show)
    app.post(SiteURL.householdEdit(nil).pathComponents, use: HouseholdEditController.save)
    app.post(SiteURL.householdPart(nil, "incomes").pathComponents, use: HouseholdFormsController.income)
    app.post(SiteURL.householdPart(nil, "guarantees", ":kind").pathComponents, use: HouseholdFormsController.guarantee)
    app.get(SiteURL.quality.pathComponents, use: QualityController.show)
    app.get(SiteURL.imports.pathComponents, use: ImportController.show)
    app.on(.POST, SiteURL.imports.pathComponents, body: .collect(maxSize: ByteCount(value: app.tuopin.settings.maxUploadBytes + (1 << 20))),
           use: ImportController.upload)
    app.post(SiteURL.qualityCheck.pathComponents, use: QualityController.recheck)
    app.get(SiteURL.healthz.pathComponents, use: SystemController.healthz)
    app.get(SiteURL.metrics.pathComponents, use: SystemController.metrics)

    app.get(SiteURL.apiOpenAPI.pathComponents, use: SystemController.openAPI)
    app.post(SiteURL.apiTokens.pathComponents, use: SessionController.createToken)
    app.get(SiteURL.apiHouseholds.pathComponents, use: HouseholdController.apiList)
    app.get(SiteURL.apiHousehold(nil).pathComponents, use: HouseholdController.apiShow)
    app.post(SiteURL.apiHouseholds.pathComponents, use: RegistryAPIController.create)
    app.patch(SiteURL.apiHousehold(nil).pathComponents, use: RegistryAPIController.update)
    app.put(SiteURL.apiHouseholdPart(nil, "incomes", ":year").pathComponents, use: RegistryAPIController.setIncome)
    app.put(SiteURL.apiHouseholdPart(nil, "guarantees", ":kind").pathComponents, use: RegistryAPIController.setGuarantee)
    app.put(SiteURL.apiHouseholdPart(nil, "plans", ":year").pathComponents, use: RegistryAPIController.setPlan)
    app.patch(SiteURL.apiMember(nil).pathComponents, use: RegistryAPIController.updateMember)
}
