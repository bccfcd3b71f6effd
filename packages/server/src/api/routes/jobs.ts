import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { isSignetError, SignetError } from '@signet/sdk';
import { principalId } from '@signet/sdk/policy';
import type { JobStatus } from '@signet/sdk/signing';
import type { Context } from 'hono';
import { isAdmin } from '../admin.js';
import { jobView, resultView } from '../convert.js';
import { IdParam as Id, JobView, problems, SignRequest, SignResult } from '../schemas.js';
import type { AppEnv, Services } from '../services.js';
import { toSigningRequest } from './sign.js';

const submit = createRoute({
  method: 'post',
  path: '/v1/jobs',
  summary: 'Submit a signing job (asynchronous; waits for approvals when the policy asks for them)',
  description:
    'With an `idempotencyKey`, submitting again (say after a lost answer, to another replica) returns the job the first submission made, whatever its state; the same key with another request is 409 IDEMPOTENCY_CONFLICT.',
  request: { body: { content: { 'application/json': { schema: SignRequest } }, required: true } },
  responses: {
    202: { description: 'Accepted', content: { 'application/json': { schema: JobView } } },
    ...problems(400, 401, 404, 409, 429),
  },
});

const status = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}',
  summary: 'Where a job stands',
  request: { params: Id },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: JobView } } },
    ...problems(401, 404),
  },
});

const result = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/result',
  summary: 'The signatures of a finished job; long-polls up to `wait` seconds',
  request: { params: Id, query: z.object({ wait: z.coerce.number().int().min(0).max(60).default(0) }) },
  responses: {
    200: { description: 'Signed', content: { 'application/json': { schema: SignResult } } },
    202: { description: 'Not finished yet', content: { 'application/json': { schema: JobView } } },
    ...problems(401, 403, 404, 409),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/cancel',
  summary: 'Cancel a job that has not started signing',
  request: { params: Id },
  responses: {
    200: { description: 'Cancelled', content: { 'application/json': { schema: JobView } } },
    ...problems(400, 401, 404),
  },
});

export function jobRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  app.openapi(submit, async (c) => {
    const request = await toSigningRequest(services, c.get('principal'), c.req.valid('json'));
    return c.json(jobView(await services.jobs.submit(request)), 202);
  });
  /**
   * A job is its requester's (and admins'): anyone else is told it does not exist, so job ids
   * reveal nothing about other people's signing.
   */
  async function ownJob(c: Context<AppEnv>, id: string): Promise<JobStatus> {
    const job = await services.jobs.status(id);
    const caller = c.get('principal');
    if (job.requester === principalId(caller) || (await isAdmin(caller, services))) return job;
    throw new SignetError('NOT_FOUND', `No job ${id}`, { details: { job: id } });
  }

  app.openapi(status, async (c) => c.json(jobView(await ownJob(c, c.req.valid('param').id)), 200));
  app.openapi(result, async (c) => {
    const { id } = c.req.valid('param');
    await ownJob(c, id);
    const { wait } = c.req.valid('query');
    const timeout = AbortSignal.any([AbortSignal.timeout(Math.max(wait * 1000, 1)), c.req.raw.signal]);
    try {
      return c.json(resultView(await services.jobs.result(id, { signal: timeout })), 200);
    } catch (error) {
      if (isSignetError(error, 'ABORTED')) return c.json(jobView(await services.jobs.status(id)), 202);
      throw error;
    }
  });
  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    await ownJob(c, id);
    return c.json(jobView(await services.jobs.cancel(id)), 200);
  });
}
