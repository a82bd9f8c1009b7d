/**
 * HTTP/2 fixtures (node:http2's own client): a listening server's base URL, a GET on a
 * session that reports status, headers and body (or the stream's error code), a session
 * that records the GOAWAY frames it receives, and a throwaway TLS certificate for
 * `createSecureServer`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo, Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface H2Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/** Listens on 127.0.0.1:0 and returns `http://127.0.0.1:PORT` (or https for a secure server). */
export async function listenH2(server: Server, scheme: 'http' | 'https' = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface Client {
  readonly session: http2.ClientHttp2Session;
  /** The GOAWAY frames received: `[code, lastStreamID]`. */
  readonly goaways: [number, number][];
  /** Resolves when the session has closed. */
  readonly closed: Promise<void>;
}

/** Connects a client session (certificate checks off for the test certificate). */
export function connect(base: string): Client {
  const session = http2.connect(base, { rejectUnauthorized: false });
  const goaways: [number, number][] = [];
  session.on('goaway', (code, lastStreamID) => goaways.push([code, lastStreamID]));
  session.on('error', () => {});
  const closed = new Promise<void>((resolve) => session.once('close', resolve));
  return { session, goaways, closed };
}

/**
 * GET `path` on `session`; rejects with the stream's error (`ERR_HTTP2_STREAM_ERROR`, …),
 * or `ERR_H2_NO_RESPONSE` when the stream closed without an answer (its connection cut).
 */
export function h2Get(session: http2.ClientHttp2Session, path: string): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let headers: http2.IncomingHttpHeaders | undefined;
    let body = '';
    stream.on('response', (received) => (headers = received));
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      if (headers && !stream.aborted) resolve({ status: Number(headers[':status']), headers, body });
    });
    stream.on('close', () => {
      if (!headers || stream.aborted) reject(Object.assign(new Error(`stream closed without an answer (rstCode ${stream.rstCode})`), { code: 'ERR_H2_NO_RESPONSE' }));
    });
    stream.on('error', reject);
  });
}

/** A self-signed certificate for 127.0.0.1 made with openssl, or `undefined` when openssl is missing. */
export function testCertificate(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key: readFileSync(`${dir}/k.pem`), cert: readFileSync(`${dir}/c.pem`) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `promise` settles within `ms` (the timer is unref'd and cleared). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms).unref()));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
