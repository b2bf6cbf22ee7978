import * as z from 'zod';
import { decodeSegment, definedOnly, methodNotAllowed, notFound, withBody } from './control-helpers';
import { faultBodySchema } from './fault-queue';
import type { EmulatorClient, Fault, ListeningSocket } from './control-types';
import { jsonReply, type Incoming, type Reply } from './http-io';
import { DuplicateClientError, type EmulatorState } from './state';
import type { Tenant } from './tenant';
import { WEBINAR_ROUTES } from './webinar-routes';

/**
 * The emulator's own JSON API under /__emulator/, for tests and people: register clients,
 * read what a client's requests looked like, move its clock, change its rotation policy, how it
 * writes keys, its scopes, its webinars' registration form and its account's answers, queue faults, list its refresh and access tokens, revoke its access
 * tokens; and where the server really listens. Not part of GoTo; never recorded in request logs.
 */
export const CONTROL_PREFIX = '/__emulator/';

const redirectUri = z
  .string()
  .refine(isRedirectUri, { message: 'must be an absolute URI without a fragment (RFC 6749 §3.1.2)' });
/** A client's rotation policy (`RotationSettings` in control-types.ts), each part optional. */
const rotationFields = {
  rotation: z.enum(['every-refresh', 'near-end', 'never']).optional(),
  rotationWindowSeconds: z.number().int().min(0).optional(),
  rotationGraceSeconds: z.number().int().min(0).optional(),
  revokePreviousAccessTokens: z.boolean().optional(),
  reuseDetection: z.boolean().optional(),
};
const keyFormat = z.enum(['string', 'number']);
const scope = z.string().trim().min(1);
const scopeRefusal = z.strictObject({
  status: z.number().int().min(200).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});
const insufficientScope = z.strictObject({ 'users-me': scopeRefusal.optional(), webinars: scopeRefusal.optional() });
/** `AccountAnswers` in control-types.ts. */
const accountAnswers = z.strictObject({
  coOrganized: z.boolean().optional(),
  listOrder: z.enum(['natural', 'reversed', 'shuffled']).optional(),
  registrationFields: z.enum(['standard', 'organizer-chosen']).optional(),
  unknownQuestionType: z
    .string()
    .regex(/^\w+$/)
    .refine((type) => !['multipleChoice', 'shortAnswer'].includes(type), { message: 'must not be a documented type' })
    .optional(),
  percentageAttendance: z.enum(['share', 'over-100', 'absent']).optional(),
});
/** `RegistrationFormExtras` in control-types.ts. */
const registrationForm = z.strictObject({
  fields: z
    .array(
      z.strictObject({
        field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
        required: z.boolean(),
        maxSize: z.number().int().min(1).optional(),
        answers: z.array(z.string().min(1)).optional(),
      }),
    )
    .optional(),
  questions: z
    .array(
      z.strictObject({
        question: z.string().min(1),
        required: z.boolean(),
        type: z.enum(['multipleChoice', 'shortAnswer']),
        maxSize: z.number().int().min(1).optional(),
        answers: z.array(z.string().min(1)).optional(),
      }),
    )
    .optional(),
});

const createClientBody = z.strictObject({
  clientId: z.string().min(1).max(256).optional(),
  clientSecret: z.string().min(1).max(256).optional(),
  redirectUris: z.array(redirectUri).min(1).optional(),
  ...rotationFields,
  scope: scope.optional(),
  insufficientScope: insufficientScope.optional(),
  basicDecoding: z.enum(['form-urlencoded', 'none']).optional(),
  keyFormat: keyFormat.optional(),
  registrationForm: registrationForm.optional(),
  accountAnswers: accountAnswers.optional(),
});
const updateClientBody = z.strictObject({
  ...rotationFields,
  keyFormat: keyFormat.optional(),
  scope: scope.optional(),
  insufficientScope: insufficientScope.optional(),
  registrationForm: registrationForm.optional(),
  /** Replaces the client's account answers as a whole. */
  accountAnswers: accountAnswers.optional(),
});
const revokeAccessTokensBody = z.strictObject({ token: z.string().min(1).optional() });
const clockBody = z.strictObject({ advanceSeconds: z.number().finite().min(0) });
const faultBody = faultBodySchema(['token', 'users-me', 'webinars', ...WEBINAR_ROUTES]);

export function handleControl(incoming: Incoming, state: EmulatorState, listening: () => ListeningSocket): Reply {
  const segments = incoming.url.pathname.slice(CONTROL_PREFIX.length).split('/').map(decodeSegment);
  const [resource, clientId, action, extra] = segments;
  const method = incoming.method;
  if (resource === 'health' && segments.length === 1 && method === 'GET') return jsonReply(200, { ok: true });
  if (resource === 'listening' && segments.length === 1 && method === 'GET') return jsonReply(200, listening());
  if (resource !== 'clients' || extra !== undefined || clientId === null || action === null) return notFound();
  if (clientId === undefined || clientId === '') {
    return method === 'POST' ? createClient(incoming, state) : methodNotAllowed('POST');
  }
  const tenant = state.tenant(clientId);
  if (!tenant) return jsonReply(404, { error: 'no client is registered with this client id' });
  return clientRoute(action ?? '', incoming, tenant, state);
}

/** /__emulator/clients/<client id>/<action>: what one client's tests read and change. */
function clientRoute(action: string, incoming: Incoming, tenant: Tenant, state: EmulatorState): Reply {
  switch (action) {
    case '':
      if (incoming.method === 'GET') return jsonReply(200, describe(tenant));
      if (incoming.method === 'PATCH') return updateClient(incoming, tenant);
      return methodNotAllowed('GET, PATCH');
    case 'requests':
      return onlyGet(incoming, () => jsonReply(200, tenant.requests()));
    case 'refresh-tokens':
      return onlyGet(incoming, () => jsonReply(200, state.refreshTokensOf(tenant)));
    case 'access-tokens':
      return onlyGet(incoming, () => jsonReply(200, state.accessTokensOf(tenant)));
    case 'revoke-access-tokens':
      return onlyPost(incoming, () =>
        withBody(incoming, revokeAccessTokensBody, ({ token }) =>
          jsonReply(200, { revoked: state.revokeAccessTokens(tenant, token) }),
        ),
      );
    case 'clock':
      return onlyPost(incoming, () => advanceClock(incoming, tenant));
    case 'release':
      // Sends the answers that `holdMs` faults hold back, and ends `delayMs` waits, at once.
      return onlyPost(incoming, () => jsonReply(200, { released: tenant.releaseHeld() }));
    case 'faults':
      return onlyPost(incoming, () => queueFault(incoming, tenant));
    default:
      return notFound();
  }
}

function onlyGet(incoming: Incoming, answer: () => Reply): Reply {
  return incoming.method === 'GET' ? answer() : methodNotAllowed('GET');
}

function onlyPost(incoming: Incoming, answer: () => Reply): Reply {
  return incoming.method === 'POST' ? answer() : methodNotAllowed('POST');
}

function updateClient(incoming: Incoming, tenant: Tenant): Reply {
  return withBody(incoming, updateClientBody, ({ scope: newScope, ...patch }) => {
    // The client's scopes, as ticked in GoTo's developer center: tokens already issued keep theirs.
    if (newScope !== undefined) tenant.client.scope = newScope;
    tenant.settings = { ...tenant.settings, ...definedOnly(patch) };
    return jsonReply(200, tenant.settings);
  });
}

function advanceClock(incoming: Incoming, tenant: Tenant): Reply {
  return withBody(incoming, clockBody, ({ advanceSeconds }) => {
    tenant.advanceClock(advanceSeconds);
    return jsonReply(200, { now: new Date(tenant.now()).toISOString() });
  });
}

function queueFault(incoming: Incoming, tenant: Tenant): Reply {
  return withBody(incoming, faultBody, (fault) => {
    tenant.addFault(definedOnly(fault) as Fault);
    return jsonReply(201, { queued: true });
  });
}

function createClient(incoming: Incoming, state: EmulatorState): Reply {
  return withBody(incoming, createClientBody, (options) => {
    try {
      return jsonReply(201, describe(state.createTenant(definedOnly(options))));
    } catch (error) {
      if (error instanceof DuplicateClientError) return jsonReply(409, { error: error.message });
      throw error;
    }
  });
}

function describe(tenant: Tenant): EmulatorClient {
  const { client } = tenant;
  return { ...client, redirectUris: [...client.redirectUris], user: { ...client.user } };
}

function isRedirectUri(value: string): boolean {
  try {
    return new URL(value).hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}
