// Talks to the analysis process (dist/analysis-server.cjs) over Node IPC. Plain Node, no `vscode`:
// requests are queued one at a time, a crashed process is restarted on the next request, a
// request that never answers fails after a timeout instead of hanging the editor, and a removed
// folder's session is released (`close`).
import { fork, type ChildProcess } from "node:child_process";
import type { AnalysisRequest, AnalysisResponse } from "../../../analyzer/src/model/analysis-protocol";
import type { WorkspaceSnapshot } from "../../../analyzer/src/model/workspace-snapshot";

type RequestBody = AnalysisRequest extends infer R ? (R extends AnalysisRequest ? Omit<R, "id"> : never) : never;

export interface AnalysisClientOptions {
  /** Path of the analysis server bundle. */
  serverPath: string;
  /** Heap limit of the analysis process, in MB. */
  maxOldSpaceMb?: number;
  /** A request taking longer fails (the process is restarted). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export class AnalysisClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: AnalysisResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** The folders the running process holds a session for (it answered a request for them). */
  private sessionRoots = new Set<string>();

  constructor(private readonly options: AnalysisClientOptions) {}

  /** Analyses a workspace folder from scratch. */
  analyzeAll(root: string): Promise<WorkspaceSnapshot> {
    return this.enqueue(() => this.analyse({ method: "analyzeAll", root }));
  }

  /** Re-analyses after files changed on disk. */
  update(root: string, files: string[]): Promise<WorkspaceSnapshot> {
    return this.enqueue(() => this.analyse({ method: "update", root, files }));
  }

  /**
   * Releases a folder's session in the analysis process (a workspace folder was removed). Sends
   * nothing when the process holds none (never analysed it, or restarted since): there is nothing to
   * release, and no process is started just to close. Resolves to whether it released one.
   */
  close(root: string): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.sessionRoots.has(root) || !this.child?.connected) return false;
      await this.send({ method: "close", root });
      this.sessionRoots.delete(root);
      return true;
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error("analysis stopped"));
    }
    this.pending.clear();
    this.child?.kill();
    this.child = undefined;
  }

  private enqueue<T>(request: () => Promise<T>): Promise<T> {
    // One request at a time: the server is single-threaded, and a later update must see an earlier one.
    const result = this.queue.then(request);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async analyse(body: Extract<RequestBody, { method: "analyzeAll" | "update" }>): Promise<WorkspaceSnapshot> {
    const response = await this.send(body);
    if (!response.snapshot) throw new Error("analysis returned nothing");
    return response.snapshot;
  }

  private async send(body: RequestBody): Promise<AnalysisResponse> {
    if (this.disposed) throw new Error("analysis stopped");
    const child = this.ensureChild();
    const id = this.nextId++;
    const response = await new Promise<AnalysisResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.options.log?.(`analysis request ${id} timed out; restarting the analysis process`);
        this.child?.kill();
        reject(new Error(`analysis timed out after ${this.options.timeoutMs ?? 120_000} ms`));
      }, this.options.timeoutMs ?? 120_000);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ ...body, id } as AnalysisRequest);
    });
    if (response.error !== undefined) throw new Error(response.error);
    if (response.snapshot && this.child === child) this.sessionRoots.add(body.root);
    return response;
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    this.sessionRoots = new Set();
    const child = fork(this.options.serverPath, [], {
      execArgv: [`--max-old-space-size=${this.options.maxOldSpaceMb ?? 3072}`],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // The extension host may run under Electron: run the server as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    child.stderr?.on("data", (chunk: Buffer) => this.options.log?.(`[analysis] ${chunk.toString().trimEnd()}`));
    child.stdout?.on("data", (chunk: Buffer) => this.options.log?.(`[analysis] ${chunk.toString().trimEnd()}`));
    child.on("message", (message) => {
      const response = message as AnalysisResponse;
      const entry = this.pending.get(response.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(response.id);
      entry.resolve(response);
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.sessionRoots = new Set();
      }
      for (const [id, entry] of this.pending) {
        clearTimeout(entry.timer);
        entry.reject(new Error(`the analysis process exited (${signal ?? code}); it restarts on the next analysis`));
        this.pending.delete(id);
      }
      if (!this.disposed) this.options.log?.(`analysis process exited (${signal ?? code})`);
    });
    this.child = child;
    return child;
  }
}
