/** The model-serving surface a plugin sees. The gateway backs it with onnxruntime-node. */

/** A dense float32 tensor: row-major data and its shape. */
export interface DenseTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** What the model file says about one input. */
export interface ModelInputInfo {
  readonly name: string;
  /** Element type (`float32`, `int64`, ...), or null when the input is not a tensor. */
  readonly dtype: string | null;
  /** Dimensions: a number when fixed, a name (e.g. `N`) when symbolic; empty when the file does not say. */
  readonly shape: ReadonlyArray<number | string>;
}

export interface ModelSession {
  /** The model's input names, as stored in the ONNX graph. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Type and shape of each input, when the runtime exposes them (onnxruntime-node does). Absent:
   * registration checks a declared layout by running a probe batch instead.
   */
  readonly inputInfo?: readonly ModelInputInfo[];
  /** Run the model on named float32 inputs; returns every output by name. */
  run(feeds: Readonly<Record<string, DenseTensor>>): Promise<Record<string, DenseTensor>>;
  close(): Promise<void>;
}
