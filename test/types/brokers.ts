/**
 * Type tests of the broker checks, checked by `npm run typecheck` (never run): the clients
 * apps hold, as their own typings declare them, are accepted as they are; other things
 * are not.
 */
import type { NatsConnection as NatsTransportConnection } from '@nats-io/transport-node';
import type * as amqp from 'amqplib';
import type * as amqpCallback from 'amqplib/callback_api.js';
import type * as amqp2 from 'amqplib2';
import type * as amqp2Callback from 'amqplib2/callback_api';
import type { MqttClient } from 'mqtt';
import type { NatsConnection } from 'nats';
import { mqtt, nats, rabbitmq, type CheckSpec } from '../../src/index.js';

declare const channelModel: amqp.ChannelModel;
declare const callbackConnection: amqpCallback.Connection;
declare const channelModel2: amqp2.ChannelModel;
declare const recovering2: amqp2.RecoveringChannelModel;
declare const callbackConnection2: amqp2Callback.Connection;
declare const natsConnection: NatsConnection;
declare const natsTransportConnection: NatsTransportConnection;
declare const mqttClient: MqttClient;

const checks: CheckSpec[] = [
  rabbitmq(channelModel),
  rabbitmq(callbackConnection),
  rabbitmq(channelModel2),
  rabbitmq(recovering2),
  rabbitmq(callbackConnection2),
  rabbitmq('amqps://user:pass@broker/vhost', { connectionName: 'worker', timeoutMs: 500 }),
  rabbitmq(new URL('amqp://broker')),
  nats(natsConnection),
  nats(natsTransportConnection),
  nats('nats://a:4222,nats://b:4222', { critical: false }),
  mqtt(mqttClient, { topic: 'app/health' }),
  mqtt('mqtts://broker:8883'),
];
void checks;

// @ts-expect-error — a channel is not a connection
rabbitmq({} as amqp.Channel);
// @ts-expect-error — connectionName is a string
rabbitmq('amqp://broker', { connectionName: 1 });
// @ts-expect-error — a subscription is not a connection
nats({} as ReturnType<NatsConnection['subscribe']>);
// @ts-expect-error — nats takes no topic
nats('nats://a', { topic: 'x' });
// @ts-expect-error — the topic is a string
mqtt(mqttClient, { topic: 1 });
