// The enterprise: ERP (PM notifications and work orders, MM stock, requisitions and purchase
// orders in event time) and MES (production schedule, maintenance-window scheduler, the plant
// loop) behind a REST API with OpenAPI docs and bearer-token roles, over a SqlStore.
export { createEnterpriseService, type EnterpriseService } from './service.ts';
export { buildEnterpriseApp } from './api.ts';
export { Role, parseTokens, generateTokens, type ApiToken } from './auth.ts';
export { planWindow, evaluateWindow, type WindowProblem, type WindowPlan } from './scheduler.ts';
export type { IncidentRecord } from './incident.ts';
export { startEnterprise, type RunningEnterprise } from './server.ts';
export { enterpriseMigrations, ENTERPRISE_MIGRATIONS_TABLE } from './migrations.ts';
export { seedCatalogue, insertStock, type CatalogueSeed } from './seed.ts';
export { MATERIALS, SUPPLIERS, OFFERS, DEFAULT_STOCK, mixedStock, DEFAULT_STORAGE_LOCATION, type MaterialSeed, type SupplierSeed, type OfferSeed, type StockSeed } from './catalogue.ts';
export { chooseSupplier, type SupplierOffer, type SupplierChoice } from './procurement.ts';
export * from './types.ts';
