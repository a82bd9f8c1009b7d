#!/usr/bin/env node
/**
 * The `shipshape` binary: the only place that reads `process.argv` and exits.
 *
 * It exits as soon as the command has its exit code rather than waiting for the event loop
 * to drain: an exec probe that the kubelet times out is a failed probe, so nothing a command
 * leaves behind (a driver's idle timer, a socket in TIME_WAIT handling) may hold it open.
 * Standard output and error are synchronous for files, pipes and terminals on Linux, so
 * nothing written is lost.
 */
import { runCli } from './cli.js';
import { processIO } from './_io.js';

process.exit(await runCli(process.argv.slice(2), await processIO()));
