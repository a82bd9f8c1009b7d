// The headers a probe answers with, so the frameworks' bare /livez routes send the same bytes.
export const PROBE_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** `true` when the server script was started with the `probes` argument. */
export const WITH_PROBES = process.argv.includes('probes');
