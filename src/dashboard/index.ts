// The live web dashboard: fleet, incidents and maintenance orders, fed by a DashboardSource.
export { startDashboard, dashboardPage, DashboardOptions, type Dashboard, type DashboardConfig } from './server.ts';
export { sseFrame } from './sse.ts';
export type { DashboardSource, DashboardState, DashboardEvent } from '../core/index.ts';
