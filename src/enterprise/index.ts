// The enterprise: ERP (PM notifications, MM stock and purchasing, work orders) and MES
// (production schedule) behind a REST API, over a SqlStore.
export { createEnterpriseService, type EnterpriseService } from './service.ts';
export { buildEnterpriseApp, type Role } from './api.ts';
export { startEnterprise, type RunningEnterprise } from './server.ts';
export { enterpriseMigrations, ENTERPRISE_MIGRATIONS_TABLE } from './migrations.ts';
export { seedCatalogue, insertStock, type CatalogueSeed } from './seed.ts';
export { MATERIALS, SUPPLIERS, OFFERS, DEFAULT_STOCK, mixedStock, DEFAULT_STORAGE_LOCATION, type MaterialSeed, type SupplierSeed, type OfferSeed, type StockSeed } from './catalogue.ts';
export { chooseSupplier, type SupplierOffer, type SupplierChoice } from './procurement.ts';
export * from './types.ts';
