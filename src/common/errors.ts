/**
 * Typed errors shared by the compiler and the runtime. Every error the library
 * throws extends TensorWasmError and carries a stable `code`.
 */

/** Stable error codes; see docs/errors.md for cause and fix of each. */
export const ErrorCode = {
  shape: 'E_SHAPE',
  dtype: 'E_DTYPE',
  graph: 'E_GRAPH',
  input: 'E_INPUT',
  artifact: 'E_ARTIFACT',
  plan: 'E_PLAN',
  limit: 'E_LIMIT',
  internal: 'E_INTERNAL',
  parse: 'E_PARSE',
  thread: 'E_THREAD',
  // ONNX import (src/onnx)
  unsupported: 'E_UNSUPPORTED',
  onnx: 'E_ONNX',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Structured facts about an error, for programs that handle it. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Base class of every error tensorwasm throws. */
export class TensorWasmError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, hint?: string) {
    super(hint === undefined ? message : `${message}. ${hint}`);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.hint = hint;
  }
}

/** A shape rule was broken at graph-build time (names the op, the shapes and the rule). */
export class ShapeError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.shape, message, details, hint);
  }
}

/** A dtype rule was broken at graph-build time. */
export class DTypeError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.dtype, message, details, hint);
  }
}

/** The graph is misused: repeated names, a tensor from another graph, nothing to compile. */
export class GraphError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.graph, message, details, hint);
  }
}

/** run()/setParams()/view() got bad feeds; thrown before anything is written. */
export class InputError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.input, message, details, hint);
  }
}

/** load() got bytes that are not an intact tensorwasm module of a supported version. */
export class ArtifactError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.artifact, message, details, hint);
  }
}

/** The plan verifier refused a memory plan: a compiler bug, never the user's. */
export class PlanError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(
      ErrorCode.plan,
      message,
      details,
      hint ?? 'This is a compiler bug; please report it with the output of TENSORWASM_DEBUG=3',
    );
  }
}

/** A size limit of WebAssembly was exceeded (e.g. a plan above 4 GiB). */
export class LimitError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.limit, message, details, hint);
  }
}

/** A compiler stage broke an invariant; names the stage. */
export class InternalError extends TensorWasmError {
  constructor(stage: string, message: string, details: ErrorDetails = {}) {
    super(
      ErrorCode.internal,
      `internal error in ${stage}: ${message}`,
      { stage, ...details },
      'This is a compiler bug; please report it with the output of TENSORWASM_DEBUG=3',
    );
  }
}

/**
 * Threads: a worker failed to start, died, or did not reach a barrier in
 * time (compile/load/run), or threads were asked for where shared memory is
 * unavailable (load). The model runs on one thread with `threads: 1`.
 */
export class ThreadError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.thread, message, details, hint);
  }
}

/** Text IR that parseGraph() cannot read; names the line and what was expected. */
export class ParseError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.parse, message, details, hint);
  }
}

// ONNX import (src/onnx) ------------------------------------------------------

/**
 * fromOnnx(): the model uses something tensorwasm does not support (an op, an
 * attribute value, an element type, an unfixed symbolic dimension, a domain).
 * Names the node (name or index), its op type and opset, and what is missing.
 */
export class UnsupportedError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.unsupported, message, details, hint);
  }
}

/** fromOnnx(): the bytes are not a valid ONNX model (undecodable, or inconsistent with the ONNX spec). */
export class OnnxError extends TensorWasmError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(ErrorCode.onnx, message, details, hint);
  }
}
