/*
 * Loaded with `node --require` into every Node process of a workflow run that the harness
 * runs days after the test set it up (../workflow-run.ts, `clockAheadMs`): `Date` reads
 * SHIFTED_CLOCK_AHEAD_MS ahead of the machine's clock, as a runner starting that day would.
 * Dates built from a given time are left alone; only "now" moves.
 */
const ahead = Number(process.env.SHIFTED_CLOCK_AHEAD_MS);
if (Number.isFinite(ahead) && ahead !== 0) {
  const RealDate = Date;
  const now = () => RealDate.now() + ahead;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property) => (property === 'now' ? now : Reflect.get(target, property)),
  });
}
