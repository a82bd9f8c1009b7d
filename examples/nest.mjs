// NestJS with shipshape: `PORT=3000 node examples/nest.mjs`, then curl localhost:3000/readyz
// Plain JavaScript has no decorator syntax, so the decorators are called as functions here;
// in TypeScript write @Module({ imports: [ShipshapeModule.forRoot({ probes })] }).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createProbes, NotReady } from 'shipshape';
import { ShipshapeModule } from 'shipshape/nest';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

class AppController {
  hello() {
    return 'hello';
  }
}
Get()(AppController.prototype, 'hello', Object.getOwnPropertyDescriptor(AppController.prototype, 'hello'));
Controller()(AppController);

class AppModule {}
// ShipshapeModule answers the probes before app.use() middleware, guards, interceptors and pipes
Module({ imports: [ShipshapeModule.forRoot({ probes })], controllers: [AppController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`listening on http://localhost:${app.getHttpServer().address().port}`);
