import * as z from 'zod';
import { decodeSegment, definedOnly, methodNotAllowed, notFound, withBody } from './control-helpers';
import { faultBodySchema } from './fault-queue';
import type { CreateVercelProjectOptions, VercelFault } from './control-types';
import { jsonReply, type Incoming, type Reply } from './http-io';
import type { VercelState } from './vercel-state';

/**
 * The control API of the emulated Vercel, under /__emulator/vercel/: register a project
 * (with its token and deploy hook), read what it holds and what it received, queue faults.
 * Not part of Vercel; never recorded in request logs.
 */
export const VERCEL_CONTROL_PREFIX = '/__emulator/vercel/';

const target = z.enum(['production', 'preview', 'development']);
const createProjectBody = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, { error: 'must be lowercase letters, digits, ".", "_" or "-"' })
    .optional(),
  teamId: z
    .string()
    .regex(/^[^\s/?#&]+$/)
    .optional(),
  token: z
    .string()
    .regex(/^\S{8,256}$/, { error: 'must be 8 to 256 characters without spaces' })
    .optional(),
  deployHook: z.boolean().optional(),
  productionDeployment: z.boolean().optional(),
  env: z
    .array(
      z.strictObject({
        key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        value: z.string(),
        type: z.enum(['sensitive', 'encrypted', 'plain', 'secret', 'system']),
        target: z.array(target).min(1),
      }),
    )
    .optional(),
});
const faultBody = faultBodySchema(['env', 'list-env', 'list-deployments', 'create-deployment', 'deploy-hook']);

export function handleVercelControl(incoming: Incoming, state: VercelState): Reply {
  const segments = incoming.url.pathname.slice(VERCEL_CONTROL_PREFIX.length).split('/').map(decodeSegment);
  const [resource, projectId, action, extra] = segments;
  const method = incoming.method;
  if (resource !== 'projects' || extra !== undefined || projectId === null || action === null) return notFound();
  if (projectId === undefined || projectId === '') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return withBody(incoming, createProjectBody, (options) =>
      jsonReply(201, state.createProject(definedOnly(options) as CreateVercelProjectOptions).describe()),
    );
  }
  const project = state.project(projectId);
  if (!project) return jsonReply(404, { error: 'no Vercel project is registered with this id' });
  switch (action ?? '') {
    case '':
      return method === 'GET' ? jsonReply(200, project.snapshot()) : methodNotAllowed('GET');
    case 'requests':
      return method === 'GET' ? jsonReply(200, project.requests()) : methodNotAllowed('GET');
    case 'faults':
      if (method !== 'POST') return methodNotAllowed('POST');
      return withBody(incoming, faultBody, (fault) => {
        project.addFault(definedOnly(fault) as VercelFault);
        return jsonReply(201, { queued: true });
      });
    default:
      return notFound();
  }
}
