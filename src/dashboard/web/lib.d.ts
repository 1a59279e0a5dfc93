// Types of lib.js (the page's pure helpers) for the TypeScript tests.
export type Point = [number, number];
export function lttb(points: Point[], threshold: number): Point[];
export function minMaxDecimate(points: Point[], buckets: number): Point[];
export function pushBounded<T>(series: T[], point: T, max: number): T[];
export function fmtDuration(ms: number | null | undefined): string;
export function fmtTime(ms: number | null | undefined): string;
export function fmtCents(c: number | null | undefined): string;
export interface GanttBar { kind: 'production' | 'moved' | 'maintenance'; row: string; id: string; label: string; startMs: number; endMs: number; x0: number; x1: number }
export function ganttLayout(orders: unknown[], workOrders: unknown[], moves: unknown[], opts?: { maxRows?: number; fromMs?: number; toMs?: number }): { rows: { name: string; bars: GanttBar[] }[]; fromMs: number; toMs: number; hiddenRows: number };
export function defectMarkers(evidence: unknown): { name: string; hz: number }[];
export function machineKey(m: { site: string; line: string; machine: string }): string;
export function matchesFilter(m: unknown, f: { site?: string; state?: string; type?: string; q?: string }): boolean;
