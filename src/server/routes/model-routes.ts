import { AgentboxError } from '../../errors/agentbox-error.js';
import type { GuardedRoutes } from '../request-guard.js';
import type { ServerDeps } from '../server-env.js';

/** OpenAI's Model object. */
interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}`, as OpenAI clients and chat UIs call them
 * before anything else: the model the agent answers as. `POST /v1/chat/completions` takes
 * any model name and answers with the agent; the list says which one it really runs.
 */
export function registerModelRoutes(routes: GuardedRoutes, deps: Pick<ServerDeps, 'runtime'>): void {
  // A stable `created` per process: the service has no model release dates to report.
  const created = Math.floor(Date.now() / 1000);
  const models = (): ModelObject[] => {
    let id: string;
    try {
      id = deps.runtime.model.modelId;
    } catch {
      return []; // no LLM configured: nothing to answer as
    }
    return [{ id, object: 'model', created, owned_by: 'agentbox' }];
  };

  routes.get('/v1/models', (c) => c.json({ object: 'list', data: models() }));

  routes.get('/v1/models/:model{.+}', (c) => {
    const id = c.req.param('model');
    const model = models().find((m) => m.id === id);
    if (!model) throw new AgentboxError('NOT_FOUND', `The model '${id.slice(0, 200)}' does not exist`, { details: { param: 'model' } });
    return c.json(model);
  });
}
