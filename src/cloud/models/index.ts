// Edge models built by the cloud: train an autoencoder on the fleet's healthy windows, export it as
// ONNX, sign it (Ed25519) and roll it out over the bus.
export { trainAutoencoder, scoreRow, TrainConfig, type Autoencoder, type DenseLayer, type TrainReport } from './autoencoder.ts';
export { fitRobustScaling, standardize, MAD_TO_SIGMA, DEFAULT_SCALING_FLOOR, type RobustScaling, type ScalingFloor } from './robust-scaling.ts';
export { exportAutoencoderOnnx, ONNX_OPSET, INPUT_NAME, OUTPUT_NAME } from './onnx-export.ts';
export { ModelManifest, ModelRelease, ShippedModels, MAX_MODEL_BYTES, canonicalJson, sha256Hex } from '../../core/index.ts';
export { generateSigningKey, signingKeyFromPem, signRelease, keyIdOf, type SigningKey } from './signing.ts';
export { buildEdgeModel, chooseFeatures, EdgeModelConfig, type EdgeModel, type HealthyRow } from './edge-model.ts';
export { publishRelease } from './publish.ts';
export { createModelRollout, ModelRolloutConfig, type ModelRollout, type ModelRolloutOptions, type RolloutRecord } from './rollout.ts';
export { inlineTrainer, workerTrainer, type EdgeModelTrainer, type TrainedEdgeModel } from './trainer.ts';
export { fileVersionLedger, memoryVersionLedger, FIRST_CLOUD_VERSION, type VersionLedger } from './version-ledger.ts';
export { RowReservoir } from './row-reservoir.ts';
