#!/usr/bin/env node
/**
 * The `shipshape` binary: the only place that reads `process.argv` and sets the exit code.
 */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
