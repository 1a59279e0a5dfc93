// Edge models: ONNX models (shipped defaults, or signed cloud releases) scored asynchronously in
// batches, and the slot that shadows, promotes and rolls them back.
export type { AsyncDetector, AsyncDetectorStats } from './async-detector.ts';
export { loadOnnxDetector, OnnxDetectorConfig, type OnnxDetector } from './onnx-detector.ts';
export { verifyRelease, verifyModelBytes, parseManifest, type TrustedKeys, type VerifiedModel } from './verify.ts';
export { loadShippedModels, shippedModelFile, SHIPPED_MODELS_DIR } from './shipped-models.ts';
export { createModelSlot, ModelSlotConfig, type ModelSlot, type ScoredBatch, type SlotEvent, type SlotStatus } from './model-slot.ts';
export { consumeModelReleases, type ReleaseOutcome } from './release-consumer.ts';
export { createBatcher } from './batcher.ts';
export { benchOnnxScoring, type OnnxBenchResult } from './bench.ts';
export { createPrecomputedScoreDetector, MODEL_SCORE_KEY } from './precomputed-score.ts';
export { createSlotScorer, type WindowScore } from './slot-scorer.ts';
export { decideShadow, ShadowGateConfig, mcnemarWorseP, type GateDecision, type PairedTally } from './shadow-gate.ts';
