// Evaluation against ground truth (issue 10): scenarios, policy runners, scoring, reports.
export { runEval, type EvalOptions } from './run.ts';
export { buildSetup, EVAL_START_MS, type EvalSetup } from './setup.ts';
export { loadScenario, parseScenario, scenarioNames, Scenario } from './scenarios/scenario.ts';
export { runOfflinePolicy, type OfflineOptions } from './policies/offline.ts';
export { runPredictive, predictiveUnsupported } from './policies/predictive.ts';
export { POLICY_NAMES, type PolicyName, type PolicyRun } from './policies/run.ts';
export { buildReport, type EvalReport } from './report/build.ts';
export { renderHtml } from './report/html.ts';
