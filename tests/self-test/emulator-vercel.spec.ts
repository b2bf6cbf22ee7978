import { expect, test } from './fixtures';

/*
 * The emulated Vercel's own answers, as Vercel documents them. Each test registers its own
 * project.
 */

test('the emulated Vercel lists every variable as Vercel does: plain values as they are, a ciphertext for encrypted ones, none for sensitive ones', async ({
  emulator,
}) => {
  const project = await emulator.createVercelProject({
    env: [
      { key: 'PLAIN_ONE', value: 'shown as it is', type: 'plain', target: ['production'] },
      { key: 'ENCRYPTED_ONE', value: 'not shown', type: 'encrypted', target: ['production', 'preview'] },
      { key: 'SENSITIVE_ONE', value: 'never shown', type: 'sensitive', target: ['preview'] },
    ],
  });

  const response = await fetch(`${emulator.baseUrl}/v10/projects/${project.projectId}/env`, {
    headers: { authorization: `Bearer ${project.token}` },
  });

  expect(response.status).toBe(200);
  const { envs } = (await response.json()) as { envs: Array<Record<string, unknown>> };
  expect(envs.map(({ key, type, target }) => ({ key, type, target }))).toEqual([
    { key: 'PLAIN_ONE', type: 'plain', target: ['production'] },
    { key: 'ENCRYPTED_ONE', type: 'encrypted', target: ['production', 'preview'] },
    { key: 'SENSITIVE_ONE', type: 'sensitive', target: ['preview'] },
  ]);
  expect(envs[0]?.value).toBe('shown as it is');
  expect(envs[1]?.value, 'a ciphertext in its place').toEqual(expect.any(String));
  expect(envs[1]?.value).not.toBe('not shown');
  expect(envs[2], 'no value at all').not.toHaveProperty('value');
  expect((await emulator.vercelRequests(project.projectId)).map((request) => request.route)).toEqual(['list-env']);
});
