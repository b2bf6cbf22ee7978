import fc from 'fast-check';
import { expect, lastEndedSession, lastPastWebinar, nextWebinar, test } from './fixtures';

// lib/goto/schedule.ts: the next webinar and the last past one by their times, never by list
// order (GoTo's OpenAPI defines none for its lists).

const now = Date.parse('2026-11-20T12:00:00Z');
const hour = 3_600_000;

/** A webinar whose sessions start and end at these hours from `now`. */
function webinar(webinarKey: string, ...sessions: [number, number][]) {
  return {
    webinarKey,
    times: sessions.map(([start, end]) => ({
      startTime: new Date(now + start * hour).toISOString(),
      endTime: new Date(now + end * hour).toISOString(),
    })),
  };
}

function session(sessionKey: string, start: number, end: number) {
  return {
    sessionKey,
    startTime: new Date(now + start * hour).toISOString(),
    endTime: new Date(now + end * hour).toISOString(),
  };
}

const soon = webinar('1001', [2, 3]);
const later = webinar('1002', [48, 49]);
const running = webinar('1003', [-1, 1]);
const seriesUnderWay = webinar('1004', [-50, -49], [1, 2]);
const ended = webinar('1005', [-3, -2]);
const endedLongAgo = webinar('1006', [-100, -99]);
const seriesEndedLate = webinar('1007', [-200, -199], [-2, -1]);

test('the next webinar is the one whose first session begins soonest, wherever the list puts it', () => {
  expect(nextWebinar([later, ended, soon, running], now)).toBe(soon);
  expect(nextWebinar([soon, later], now)).toBe(soon);
});

test('a webinar with a session begun or over is not the next one, even when its other sessions are to come', () => {
  expect(nextWebinar([running, seriesUnderWay, ended], now)).toBeUndefined();
});

test('the last past webinar is the one whose last session ended latest, wherever the list puts it', () => {
  expect(lastPastWebinar([seriesEndedLate, endedLongAgo, later], now)).toBe(seriesEndedLate);
  expect(lastPastWebinar([ended, seriesEndedLate], now)).toBe(seriesEndedLate);
  expect(lastPastWebinar([endedLongAgo, ended], now)).toBe(ended);
});

test('a webinar with a session not yet over is not a past one', () => {
  expect(lastPastWebinar([running, seriesUnderWay, soon], now)).toBeUndefined();
});

test('a webinar without times, or with a time that does not parse, is never picked', () => {
  const timeless = { webinarKey: '2001' };
  const garbled = { webinarKey: '2002', times: [{ startTime: 'tomorrow', endTime: 'later' }] };

  expect(nextWebinar([timeless, garbled], now)).toBeUndefined();
  expect(lastPastWebinar([timeless, garbled], now)).toBeUndefined();
});

test('of two webinars at the same time, the one with the smaller key is picked, in either order', () => {
  const twin = webinar('999', [2, 3]);

  expect(nextWebinar([soon, twin], now)).toBe(twin);
  expect(nextWebinar([twin, soon], now)).toBe(twin);
});

test('the last ended session is the one that ended latest; sessions not over are left out', () => {
  const first = session('3001', -50, -49);
  const last = session('3002', -2, -1);
  const upcoming = session('3003', 1, 2);

  expect(lastEndedSession([last, first, upcoming], now)).toBe(last);
  expect(lastEndedSession([upcoming], now)).toBeUndefined();
});

test('every order of the same webinars gives the same next and last past webinar', () => {
  const all = [soon, later, running, seriesUnderWay, ended, endedLongAgo, seriesEndedLate];
  fc.assert(
    fc.property(fc.shuffledSubarray(all, { minLength: all.length }), (shuffled) => {
      expect(nextWebinar(shuffled, now)).toBe(soon);
      expect(lastPastWebinar(shuffled, now)).toBe(seriesEndedLate);
    }),
  );
});
