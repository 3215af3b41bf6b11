/** Messages between a jq worker backend (Node worker thread or Web Worker) and its worker. */
export interface JqWorkerRequest {
  id: number;
  input: string;
  program: string;
  flags: string[];
}

export type JqWorkerReply =
  | { id: number; ok: true; outputs: unknown[] }
  | { id: number; ok: false; error: { name: string; stderr: string; exitCode: number; message: string } };

export type JqWorkerReady = { ready: true } | { ready: false; message: string };
