// lightship's own probe server (it serves /live, /ready and /health on a server of its own,
// not in the app's framework), ready, on a free port.
import type { Server } from 'node:http';
import { createLightship } from 'lightship';
import { announce } from './_mode.js';

const lightship = await createLightship({ port: 0, detectKubernetes: false, signals: [] });
lightship.signalReady();
announce(lightship.server as unknown as Server);
