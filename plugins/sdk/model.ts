/** The model-serving surface a plugin sees. The gateway backs it with onnxruntime-node. */

/** A dense float32 tensor: row-major data and its shape. */
export interface DenseTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface ModelSession {
  /** The model's input names, as stored in the ONNX graph. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Run the model on named float32 inputs; returns every output by name. */
  run(feeds: Readonly<Record<string, DenseTensor>>): Promise<Record<string, DenseTensor>>;
  close(): Promise<void>;
}
