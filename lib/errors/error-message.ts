/**
 * The parts every message of this project is made of, as ky builds every HTTPError's message
 * from its request and response and oauth4webapi every ResponseBodyError's from its fields:
 * facts first, words from them, one shape for all.
 */
export type MessageParts = {
  /** What happened, naming the culprit (a step, a variable, a file) and never a secret value. */
  headline: string;
  /** Lines between the headline and the advice: facts in list form (every bad variable, the body's issues). */
  details?: readonly string[];
  /** The next thing to do. */
  advice: string;
  /** What the failure left behind, after the advice: how far a sync got, that nothing was changed. */
  aftermath?: string;
};

/**
 * The one function that writes a message: the headline, its details, then `What to do:` and
 * the advice as a sentence, then what was left behind. Errors (GotoRunnerError) and the
 * verdict lines of `npm run status` both use it, so the pattern is written once.
 */
export function composeMessage(parts: MessageParts): string {
  return [
    parts.headline,
    ...(parts.details ?? []),
    `What to do: ${asSentence(parts.advice)}`,
    ...(parts.aftermath ? [parts.aftermath] : []),
  ].join('\n');
}

/** Advice ends as a sentence does, whether or not its writer put the full stop. */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
