/**
 * Durations said in seconds, the way the command line and the jobs' messages say them:
 * the API counts milliseconds, people read seconds.
 */

/** Milliseconds as a duration flag would say them, in seconds: `5`, `1.5`, `0.25`. */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** Milliseconds as an elapsed time: `2.1 s` below ten seconds, `42 s` above. */
export function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
