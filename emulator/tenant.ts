import { FaultQueue } from './fault-queue';
import type { ClientSettings, EmulatorClient, Fault, FaultRoute, ReceivedRequest } from './control-types';
import { WebinarBook } from './webinar-book';
import { coOrganizedWebinars } from './account-answers';
import { buildWebinarCatalog, firstStart, type Webinar } from './webinar-data';

/**
 * Everything the emulator keeps about one registered OAuth client: its user, its own
 * clock, rotation policy, request log and pending faults. Tests each register their own
 * client, so tests running in parallel against one emulator never see each other.
 */
export class Tenant {
  readonly client: EmulatorClient;
  settings: ClientSettings;
  /** The client's creation on its own clock; the webinar catalog is spread around it. */
  readonly createdAtMs: number;
  /** The user's own webinars. */
  readonly webinars: Webinar[];
  /** Another organizer's webinars the user co-organizes, listed when `accountAnswers.coOrganized` says so. */
  readonly coOrganized: Webinar[];
  /** The webinars' sessions, registrants, attendees and registration forms. */
  readonly book: WebinarBook;
  private clockOffsetMs = 0;
  private readonly log: ReceivedRequest[] = [];
  private readonly faults = new FaultQueue<Fault>();
  private readonly held = new Set<() => void>();

  constructor(client: EmulatorClient, settings: ClientSettings) {
    this.client = client;
    this.settings = settings;
    this.createdAtMs = Date.now();
    this.webinars = buildWebinarCatalog(client.user, this.createdAtMs);
    this.coOrganized = coOrganizedWebinars(client.user, this.webinars);
    this.book = new WebinarBook(this.webinars, () => this.settings.registrationForm);
  }

  /** The webinars the user's lists hold: their own, and those they co-organize when the settings say so. */
  listedWebinars(): Webinar[] {
    if (!this.settings.accountAnswers.coOrganized) return this.webinars;
    return [...this.webinars, ...this.coOrganized].sort((a, b) => firstStart(a) - firstStart(b));
  }

  /** Milliseconds since the epoch on this client's clock. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves only this client's clock: codes and tokens expire without anyone waiting. */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  /** Logs a request as it arrives; the returned entry takes the status once the emulator answers. */
  record(entry: Omit<ReceivedRequest, 'at'>): ReceivedRequest {
    const logged: ReceivedRequest = { ...entry, at: new Date(this.now()).toISOString() };
    this.log.push(logged);
    return logged;
  }

  requests(): ReceivedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  addFault(fault: Fault): void {
    this.faults.add(fault);
  }

  /** Waits `ms`, or until `releaseHeld` lets every held answer and delayed request go. */
  hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.held.add(release);
    });
  }

  /** Sends every held answer now and ends every fault's delay; says how many there were. */
  releaseHeld(): number {
    const waiting = [...this.held];
    for (const release of waiting) release();
    return waiting.length;
  }

  /** The oldest pending fault for `route`, used up one request at a time. */
  takeFault(route: FaultRoute): Fault | undefined {
    return this.faults.take(route);
  }
}
