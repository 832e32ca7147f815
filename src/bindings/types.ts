/** A refusal or failure: where it is and why. `line`/`col` count from 1 (0 when it belongs to no token). */
export interface ScenarioError {
  kind: "parse" | "check" | "runtime" | "limit";
  message: string;
  line: number;
  col: number;
}

/** A value a program computes: null, an integer, a string, or a list of values. */
export type ScenarioValue = null | number | string | ScenarioValue[];

/**
 * One thing that happened in a run. `create`, `start`, `settle`, `cancel` and
 * `log` mean the same on both engines; `poll`, `wake`, `drop` and `executor`
 * come from the rust engine only; the js engine adds `unhandled-rejection` and
 * `clear`. Readers should ignore kinds they do not know.
 */
export interface TraceEvent {
  /** 0, 1, 2… in the order the events happened in this run. */
  seq: number;
  /** Milliseconds since the run started (`performance.now()`). */
  t: number;
  kind: "create" | "start" | "settle" | "cancel" | "log" | "poll" | "wake" | "drop" | "executor" | "unhandled-rejection" | "clear" | (string & {});
  /** `"LINE:COL#N"`: the expression that made the operation, and how many times it had been evaluated before. */
  op: string;
  /** The expression's source text, e.g. `sleep(300)`. */
  label: string;
  /** `settle`: whether it succeeded. */
  ok?: boolean;
  /** `settle` with `ok`: its value. */
  value?: ScenarioValue;
  /** `settle` without `ok`, `unhandled-rejection`: the error's message. */
  error?: string;
  /** `poll`: whether the poll returned `Ready`. */
  ready?: boolean;
  /** `log`: the printed text; `wake`, `executor`: what the executor did (`poll-start`, `wake-by-ref:scheduled`, `timer-fire:3`…). */
  text?: string;
  /** rust: the executor task the event happened in. */
  task?: number;
}

/** A finished run. */
export interface Trace {
  engine: "js" | "rust";
  ok: boolean;
  error?: ScenarioError;
  /**
   * Every event of the run; `null` when the module panicked during the run
   * (then `restarted` is true): the instance that recorded them was replaced,
   * and the events reached the caller only through `onEvent`.
   */
  events: TraceEvent[] | null;
  /**
   * The module panicked during the run and was replaced by a fresh instance:
   * objects from before (a `ScenarioRun`) must not be used, not even freed.
   */
  restarted?: true;
}

export interface RunOptions {
  engine: "js" | "rust";
  /** Wall-clock limit, in (0, 60000] ms; 10000 by default. */
  timeLimitMs?: number;
  /** Called with each event as it happens. */
  onEvent?: (event: TraceEvent) => void;
  /** Aborting it stops the run ("run stopped"). */
  signal?: AbortSignal;
  /** rust only: hold the executor back, one poll per `ScenarioRun.step()`. */
  stepped?: boolean;
  /** With `stepped`: called when a task becomes ready for a step. */
  onStepReady?: () => void;
}

export interface CheckResult {
  /** What the js engine refuses: only programs that do not parse. */
  js: ScenarioError[];
  /** What the rust engine refuses: that, and what rustc would refuse. */
  rust: ScenarioError[];
}

export type ParseResult = { ok: true; program: string } | { ok: false; error: ScenarioError };

export type GeneratedCode = { ok: true; javascript: string; rust: string } | { ok: false; error: ScenarioError };

export interface Preset {
  id: string;
  title: string;
  /** What to watch for. */
  explanation: string;
  /** The whole file, header comment included. */
  source: string;
  /** The program without its header comment. */
  program: string;
}

export interface Limits {
  timeMs: number;
  operations: number;
  liveTimers: number;
  liveTasks: number;
  events: number;
  outputBytes: number;
}

export interface SmokeReport {
  requestedMs: number;
  elapsedMs: number;
  polls: number;
  wakes: number;
  events: string[];
}

/** Live object counts, for leak checks. */
export interface DebugCounters {
  executors: number;
  tasks: number;
  jsClosures: number;
  watchedPromises: number;
}
