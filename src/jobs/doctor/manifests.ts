/**
 * From YAML text to the workloads doctor checks: every document of every source, `List`
 * objects flattened (kubectl's `kind: List` with `items`, and the typed lists such as
 * `DeploymentList`), each workload's pod spec found where its kind keeps it, and a way back
 * from a field to its line for messages and `--json`.
 *
 * YAML is parsed by the `yaml` package (no dependencies of its own), which the caller
 * loads lazily: only `doctor` needs a YAML parser.
 */
import type * as Yaml from 'yaml';
import { InvalidOptionError } from '../../core/errors.js';

/** Text to check and the name to report it under (`-` is read from stdin). */
export interface Source {
  readonly file: string;
  readonly text: string;
}

/** A field's path from the document's root: `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = readonly (string | number)[];

/** A plain object from the YAML, as the manifest wrote it. */
export type Fields = Readonly<Record<string, unknown>>;

/** A workload kind doctor reads, and where its pod spec is. */
export const WORKLOAD_KINDS = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
} as const satisfies Record<string, FieldPath>;

/** One workload of the input. */
export interface Workload {
  readonly kind: keyof typeof WORKLOAD_KINDS;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly file: string;
  /** The pod spec, and its path from the document's root. */
  readonly pod: Fields;
  readonly podPath: FieldPath;
  /** The line (1-based) of the field at `path`, or of its nearest parent that exists. */
  lineOf(path: FieldPath): number | undefined;
}

/**
 * A source that cannot be parsed, or a workload whose shape is not Kubernetes', naming the
 * file and line (`doctor` exits 2). An `InvalidOptionError`: the manifests are the input.
 */
export class ManifestError extends InvalidOptionError {
  /** `file:line:column: message`, as compilers write it (editors and CI annotations read it). */
  constructor(file: string, line: number | undefined, message: string, column?: number) {
    super(`${file}${line === undefined ? '' : `:${line}`}${line === undefined || column === undefined ? '' : `:${column}`}: ${message}`);
    Object.defineProperty(this, 'name', { value: 'ManifestError', enumerable: false, configurable: true, writable: true });
  }
}

/**
 * Parses every source and returns its workloads, in input order; objects of other kinds
 * (Services, ConfigMaps, …) and empty documents are skipped.
 *
 * @throws ManifestError for a YAML syntax error (with its line and column), or a workload
 *   without a name or whose pod spec or containers are not objects and lists.
 */
export function parseWorkloads(yaml: typeof Yaml, sources: readonly Source[]): Workload[] {
  const workloads: Workload[] = [];
  for (const source of sources) {
    const lineCounter = new yaml.LineCounter();
    const documents = yaml.parseAllDocuments(source.text, { lineCounter, prettyErrors: false });
    for (const document of Array.isArray(documents) ? documents : []) {
      const error = document.errors[0];
      if (error) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        throw new ManifestError(source.file, line, firstLine(error.message), col);
      }
      let root: unknown;
      try {
        root = document.toJS();
      } catch (cause) {
        throw new ManifestError(source.file, undefined, firstLine(cause instanceof Error ? cause.message : String(cause)));
      }
      const lineOf = (path: FieldPath): number | undefined => {
        const offset = offsetOf(yaml, document.contents, path);
        return offset === undefined ? undefined : lineCounter.linePos(offset).line;
      };
      collect(root, [], source.file, lineOf, workloads);
    }
  }
  return workloads;
}

/** `value` when it is a plain object, else `undefined`. */
export function fieldsOf(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

// --- internal ---

function collect(value: unknown, path: FieldPath, file: string, lineOf: Workload['lineOf'], out: Workload[]): void {
  const object = fieldsOf(value);
  if (!object || typeof object.kind !== 'string') return;
  if (object.kind.endsWith('List') && Array.isArray(object.items)) {
    object.items.forEach((item, index) => collect(item, [...path, 'items', index], file, lineOf, out));
    return;
  }
  if (!Object.hasOwn(WORKLOAD_KINDS, object.kind)) return;
  const kind = object.kind as keyof typeof WORKLOAD_KINDS;
  const metadata = fieldsOf(object.metadata);
  const name = metadata?.name;
  if (typeof name !== 'string' || name === '') throw new ManifestError(file, lineOf(path), `a ${kind} without metadata.name`);
  let pod: unknown = object;
  for (const key of WORKLOAD_KINDS[kind]) pod = fieldsOf(pod)?.[key];
  const podPath = [...path, ...WORKLOAD_KINDS[kind]];
  if (!fieldsOf(pod)) throw new ManifestError(file, lineOf(podPath), `${kind}/${name}: ${WORKLOAD_KINDS[kind].join('.')} is not an object`);
  for (const key of ['containers', 'initContainers']) {
    const list = (pod as Fields)[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((c) => typeof fieldsOf(c)?.name === 'string'))) {
      throw new ManifestError(file, lineOf([...podPath, key]), `${kind}/${name}: ${key} must be a list of containers, each with a name`);
    }
  }
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
  out.push({ kind, name, namespace, file, pod: pod as Fields, podPath, lineOf });
}

/**
 * Where the field at `path` starts: its key in a mapping (`timeoutSeconds: 1` → the key's
 * line), its item in a sequence, or, for a field that is missing, where its nearest
 * parent starts.
 */
function offsetOf(yaml: typeof Yaml, root: unknown, path: FieldPath): number | undefined {
  let node = root;
  let offset = (root as { range?: [number, number, number] } | null)?.range?.[0];
  for (const step of path) {
    if (yaml.isMap(node)) {
      const pair = node.items.find((item) => (yaml.isScalar(item.key) ? item.key.value : item.key) === step);
      if (!pair) break;
      offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (yaml.isSeq(node) && typeof step === 'number' && node.items[step] !== undefined) {
      node = node.items[step];
      offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
