/**
 * The balancer's HTTP/2 side (test/_helpers/balancer.ts with `upstream: 'h2'`): one h2c
 * session per backend, replaced as soon as the backend sends GOAWAY, and the one retry
 * HTTP/2 allows without knowing the method's semantics: a stream the server refused
 * (REFUSED_STREAM, or above a GOAWAY's last stream id) "has not been processed" and "can be
 * safely retried" (RFC 9113 §8.7) — what Envoy and browsers do.
 */
import http2 from 'node:http2';

const { NGHTTP2_REFUSED_STREAM } = http2.constants;

export interface H2Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  stream: http2.ClientHttp2Stream;
}

/** One backend's session, reconnected when it closes or is told to go away. */
export class H2Upstream {
  readonly #base: string;
  #session: http2.ClientHttp2Session | undefined;

  constructor(base: string) {
    this.#base = base;
  }

  /**
   * Sends `GET path`; resolves with the answer, or rejects with `{ refused: true }` when the
   * stream was not processed (safe to retry elsewhere), else with the stream's error.
   */
  request(method: string, path: string): Promise<H2Answer> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.#current().request({ ':method': method, ':path': path }, { endStream: true });
      } catch (error) {
        // ERR_HTTP2_GOAWAY_SESSION / ERR_HTTP2_INVALID_SESSION: closed between the check and the call
        reject(Object.assign(error as Error, { refused: true }));
        return;
      }
      stream.once('response', (headers) => resolve({ status: Number(headers[':status']), headers, stream }));
      stream.once('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { refused: isRefused(stream, error) })));
      stream.once('close', () => {
        if (stream.rstCode === NGHTTP2_REFUSED_STREAM) reject(Object.assign(new Error('refused stream'), { refused: true }));
      });
    });
  }

  close(): void {
    this.#session?.destroy();
    this.#session = undefined;
  }

  #current(): http2.ClientHttp2Session {
    const session = this.#session;
    if (session && !session.closed && !session.destroyed) return session;
    const fresh = http2.connect(this.#base);
    fresh.on('error', () => {}); // a refused connection fails its streams, which say so
    // GOAWAY: no new stream on this session; the next request opens a new connection
    fresh.on('goaway', () => {
      if (this.#session === fresh) this.#session = undefined;
    });
    fresh.on('close', () => {
      if (this.#session === fresh) this.#session = undefined;
    });
    this.#session = fresh;
    return fresh;
  }
}

function isRefused(stream: http2.ClientHttp2Stream, error: NodeJS.ErrnoException): boolean {
  return stream.rstCode === NGHTTP2_REFUSED_STREAM || error.code === 'ERR_HTTP2_GOAWAY_SESSION';
}
