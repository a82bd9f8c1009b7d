/**
 * `grpc://host:port[/service]`, the gRPC target of `waitFor` and `wait4` (SPEC §5): ready when
 * the server's standard health service (`grpc.health.v1.Health/Check`) answers `SERVING` for
 * `service` (the path, percent-decoded; none or `/` is `""`, the whole server), through the
 * `grpc()` check. Plaintext, as the kubelet's own gRPC probe; `localhost` is tried on both
 * loopback addresses, as for `tcp://`.
 */
import { InvalidOptionError } from '../../core/errors.js';
import { grpc } from '../../checks/grpc.js';
import { hostPortTarget, type WaitTarget } from './target-shapes.js';

/** Parses `grpc://host:port[/service]`; `where` names it in messages. @throws InvalidOptionError for a malformed one. */
export function grpcTarget(text: string, scheme: string, where: string): WaitTarget {
  const form = `${scheme}//host:port[/service] (IPv6 as ${scheme}//[::1]:port)`;
  const match = /^([a-z]+:\/\/[^/?#]*)(?:\/([^?#]*))?$/i.exec(text);
  if (!match) throw new InvalidOptionError(`${where} is not ${form}`);
  let service: string;
  try {
    service = decodeURIComponent(match[2] ?? '');
  } catch {
    throw new InvalidOptionError(`${where} is not ${form}: its service is not percent-encoded UTF-8`);
  }
  const address = hostPortTarget(undefined, (host, port) => grpc(`${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`, { service }));
  try {
    return { ...address(match[1]!, scheme, where), label: text };
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new InvalidOptionError(`${where} is not ${form}`);
    throw error;
  }
}
