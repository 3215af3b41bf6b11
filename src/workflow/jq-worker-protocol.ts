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

/** A worker's answer to one request: jq's outputs, or its error as plain data (errors do not cross threads whole). */
export function answerJqRequest(jq: { json(input: string, program: string, flags: string[]): unknown[] }, request: JqWorkerRequest): JqWorkerReply {
  try {
    return { id: request.id, ok: true, outputs: jq.json(request.input, request.program, request.flags) };
  } catch (error) {
    const e = error as { name?: string; stderr?: string; exitCode?: number; message?: string };
    return {
      id: request.id,
      ok: false,
      error: { name: e?.name ?? 'Error', stderr: e?.stderr ?? '', exitCode: e?.exitCode ?? -1, message: String(e?.message ?? error) },
    };
  }
}
