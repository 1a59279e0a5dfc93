// The live web dashboard: fleet, machine, incident, ERP/MES and sovereignty views, fed by a
// DashboardSource, the enterprise API (server-side proxy) and an optional sovereignty source;
// behind a login (tokens with roles, a session cookie).
export { startDashboard, dashboardPage, DashboardOptions, type Dashboard, type DashboardConfig } from './server.ts';
export { sseFrame } from './sse.ts';
export { DashboardRole, parseDashboardTokens, readDashboardTokens, generateDashboardTokens, type DashboardToken } from './auth.ts';
export { EnterpriseLink, PROXIED_LISTS } from './enterprise-proxy.ts';
export { MachineHistory, HISTORY_POINTS, type HistoryPoint } from './history.ts';
export type { SovereigntySource, SovereigntySiteSummary, AuditSummary } from './sovereignty.ts';
export type { DashboardSource, DashboardState, DashboardEvent } from '../core/index.ts';
