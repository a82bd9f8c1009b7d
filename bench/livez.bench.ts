// Issue #3: /livez through withProbes vs a bare node:http server answering the same body. Target ≥ 0.95.
import { compare } from './_lib.js';

export default async function livez(): Promise<void> {
  const result = await compare({
    label: '/livez node:http',
    baseline: { name: 'bare node:http', script: 'node-bare.ts' },
    candidate: { name: 'withProbes', script: 'node-app.ts', args: ['adapter'] },
    urlPath: '/livez',
  });
  console.log(`target ≥ 0.95: ${result.ratio >= 0.95 ? 'met' : 'NOT met'}`);
}
