// shipshape/express on Express 5 and Express 4 (the `express4` alias).
import express from 'express';
import express4 from 'express4';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expressProbes } from '../../src/adapters/express.js';
import { createProbes } from '../../src/index.js';
import { describeAdapter, describePassThrough, describeProbesFirst } from '../_helpers/describe-adapter.js';
import { expressApp } from '../_helpers/framework-apps.js';

for (const [name, module] of [['Express 5', express], ['Express 4', express4]] as const) {
  describeAdapter(name, expressApp(module));
  describeProbesFirst(name, expressApp(module));
  describePassThrough(name, expressApp(module));
}

it('expressProbes refuses something that is not a probes instance', () => {
  assert.throws(() => expressProbes({} as never), { name: 'InvalidOptionError', message: /Expected `probes` to be the result of createProbes\(\), got an object/ });
  // a look-alike with respond() and handle() but not the route table every adapter reads first
  const { respond, handle } = createProbes();
  assert.throws(() => expressProbes({ respond, handle } as never), { name: 'InvalidOptionError', message: /Expected `probes` to be the result of createProbes\(\)/ });
});
