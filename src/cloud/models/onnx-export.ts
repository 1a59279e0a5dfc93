// Writes a trained autoencoder as an ONNX model (opset 17, standard operators only) that takes RAW
// features and returns the anomaly score, so the edge needs nothing but the bytes and the feature
// order: missing values (NaN) → the training median (IsNaN + Where), robust standardisation
// (Sub, Div), dense layers (Gemm, Tanh), and the per-row mean squared reconstruction error
// (Sub, Mul, ReduceMean). Operator semantics: https://onnx.ai/onnx/operators/ (opset 17).
import pkg from 'onnx-proto';
import type { Autoencoder } from './autoencoder.ts';

const { onnx } = pkg;

/** ONNX opset the graph is written against; ReduceMean still takes `axes` as an attribute here (it became an input in 18). */
export const ONNX_OPSET = 17;
/** IR version 8 is the one that goes with opset 17 (onnx/docs/Versioning.md). */
const IR_VERSION = 8;
/** Graph input name: float32 [N, d] raw features, in the manifest's featureNames order. */
export const INPUT_NAME = 'features';
/** Graph output name: float32 [N] mean squared reconstruction error in robust z units. */
export const OUTPUT_NAME = 'score';

function floatTensor(name: string, dims: number[], values: readonly number[]): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: [...values] });
}

function node(opType: string, inputs: string[], outputs: string[], attrs: InstanceType<typeof onnx.AttributeProto>[] = []) {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute: attrs });
}

const intAttr = (name: string, i: number) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const intsAttr = (name: string, ints: number[]) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** Serialises the model to ONNX bytes; `meta` lands in the model's metadata_props (informative only). */
export function exportAutoencoderOnnx(model: Autoencoder, meta: Record<string, string> = {}): Uint8Array {
  const d = model.scaling.center.length;
  const initializer = [floatTensor('center', [d], model.scaling.center), floatTensor('scale', [d], model.scaling.scale)];
  const nodes = [
    node('IsNaN', [INPUT_NAME], ['missing']),
    node('Where', ['missing', 'center', INPUT_NAME], ['filled']),
    node('Sub', ['filled', 'center'], ['centered']),
    node('Div', ['centered', 'scale'], ['z']),
  ];
  let prev = 'z';
  model.layers.forEach((l, k) => {
    initializer.push(floatTensor(`W${k}`, [l.outDim, l.inDim], l.w), floatTensor(`b${k}`, [l.outDim], l.b));
    const pre = l.activation === 'tanh' ? `g${k}` : 'reconstruction';
    nodes.push(node('Gemm', [prev, `W${k}`, `b${k}`], [pre], [intAttr('transB', 1)]));
    if (l.activation === 'tanh') nodes.push(node('Tanh', [pre], [`h${k}`]));
    prev = l.activation === 'tanh' ? `h${k}` : pre;
  });
  nodes.push(
    node('Sub', [prev, 'z'], ['residual']),
    node('Mul', ['residual', 'residual'], ['squared']),
    node('ReduceMean', ['squared'], [OUTPUT_NAME], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
  );
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'edge-pdm',
    producerVersion: '1',
    docString: 'Dense autoencoder; input raw features, output mean squared reconstruction error in robust z units.',
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'autoencoder',
      node: nodes,
      initializer,
      input: [valueInfo(INPUT_NAME, ['N', d])],
      output: [valueInfo(OUTPUT_NAME, ['N'])],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
