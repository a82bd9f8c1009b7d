/**
 * A throwaway Django project for `ensureadmin --preset django` tests: settings written into
 * a temp dir, a fresh PostgreSQL database made for it (dropped by `cleanup`), Django's own
 * `migrate`, and Django's own `authenticate()` and `createsuperuser` to check and seed
 * users. Debian's python3-django (3.2) and python3-psycopg2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { python } from './python.js';
import { POSTGRES_URL } from './services.js';

export interface DjangoProject {
  /** The database URL of the project's own database. */
  readonly url: string;
  /** Django's `authenticate()`: the user's fields, or `null` when Django refuses the password. */
  authenticate(username: string, password: string): DjangoUser | null;
  /** `manage.py createsuperuser --noinput` (the password through DJANGO_SUPERUSER_PASSWORD). */
  createsuperuser(username: string, email: string, password: string): void;
  /** Rows of auth_user, as Django's ORM reads them. */
  users(): DjangoUser[];
  cleanup(): Promise<void>;
}

export interface DjangoUser {
  readonly username: string;
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly is_superuser: boolean;
  readonly is_staff: boolean;
  readonly is_active: boolean;
  readonly last_login: string | null;
  readonly date_joined: string;
  readonly password: string;
}

const FIELDS = ['username', 'email', 'first_name', 'last_name', 'is_superuser', 'is_staff', 'is_active', 'last_login', 'date_joined', 'password'];

/** Creates the database and the project, and runs Django's `migrate` on it. */
export async function djangoProject(): Promise<DjangoProject> {
  const database = `shipshape_django_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const base = new URL(POSTGRES_URL);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-django-'));
  writeFileSync(
    path.join(dir, 'settings.py'),
    `SECRET_KEY = 'shipshape-test-only'
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth']
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': ${JSON.stringify(database)}, 'USER': ${JSON.stringify(decodeURIComponent(base.username) || 'postgres')}, 'PASSWORD': ${JSON.stringify(decodeURIComponent(base.password))}, 'HOST': ${JSON.stringify(base.hostname)}, 'PORT': ${JSON.stringify(base.port || '5432')}}}
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
`,
  );
  const env = { PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'settings' };
  const run = (script: string, extra: Record<string, string> = {}): string => {
    const result = python(`import django, json, os\ndjango.setup()\n${script}`, { ...env, ...extra }, dir);
    if (result.status !== 0) throw new Error(`django failed: ${result.stderr}`);
    return result.stdout;
  };
  const fields = `{f: (getattr(u, f).isoformat() if hasattr(getattr(u, f), 'isoformat') else getattr(u, f)) for f in ${JSON.stringify(FIELDS)}}`;
  run('from django.core.management import call_command\ncall_command("migrate", verbosity=0, interactive=False)');
  return {
    url: url.href,
    authenticate(username, password) {
      return JSON.parse(run(`from django.contrib.auth import authenticate\nu = authenticate(username=os.environ['U'], password=os.environ['P'])\nprint(json.dumps(None if u is None else ${fields}))`, { U: username, P: password })) as DjangoUser | null;
    },
    createsuperuser(username, email, password) {
      run(
        'from django.core.management import call_command\ncall_command("createsuperuser", interactive=False, username=os.environ["U"], email=os.environ["E"], verbosity=0)',
        { U: username, E: email, DJANGO_SUPERUSER_PASSWORD: password },
      );
    },
    users() {
      return JSON.parse(run(`from django.contrib.auth.models import User\nprint(json.dumps([${fields} for u in User.objects.order_by('id')]))`)) as DjangoUser[];
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
    },
  };
}
