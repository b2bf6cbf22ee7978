import { expect, test } from '../../fixtures';
import { readResponseBody } from '../../lib/http/response-body';

/*
 * GoTo's answers as they may vary from what its OpenAPI shows: keys as bare 19-digit JSON
 * numbers, times in other ISO 8601 spellings, fields and values it does not list. Each is
 * taken; a field the collection depends on still fails the step, naming the field.
 */

test('reads a 19-digit JSON number digit for digit, and every other number as a plain number', () => {
  const body = readResponseBody(
    '{"webinarKey":8439885694023999999,"page":{"size":20,"totalPages":3},"ratio":0.25,"safe":9007199254740991}',
    'application/json',
  );

  expect(body.json.ok).toBe(true);
  const value = (body.json.ok ? body.json.value : {}) as Record<string, unknown>;
  expect(String(value.webinarKey), 'the key keeps every digit').toBe('8439885694023999999');
  expect(value.page, 'paging numbers stay numbers').toEqual({ size: 20, totalPages: 3 });
  expect(value.ratio).toBe(0.25);
  expect(value.safe, 'an integer that is still exact stays a number').toBe(9007199254740991);
});

test('keeps a repeated name’s last value, as JSON.parse does', () => {
  const body = readResponseBody('{"status":"NEW","status":"UPDATED"}', 'application/json');

  expect(body.json).toEqual({ ok: true, value: { status: 'UPDATED' } });
});
