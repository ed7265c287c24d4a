/** Broker extensions: handlers registered before listening replace built-ins and change what ApiVersions advertises. */
import test from 'ava';
import { defineHandler, type ApiHandler, type ApiKey } from '../../actors/broker/handler.js';
import { KafkaClient } from '../../cli/console/client.js';
import { withBroker } from './helpers.js';

test('an extension handler is served and advertised', async (t) => {
  const listGroups = defineHandler({
    apiKey: 16,
    advertised: { min: 0, max: 5 },
    accepts: { min: 0, max: 5 },
    handle: () => ({ errorCode: 0, groups: [{ groupId: 'from-extension' as never, protocolType: 'consumer' }] }),
    errorResponse: (_req, errorCode) => ({ errorCode }),
  });
  let attachedTo = '';
  const broker = await withBroker({
    extensions: [
      {
        attach: (core) => {
          attachedTo = core.controller.clusterId;
          return [listGroups as unknown as ApiHandler<ApiKey>];
        },
      },
    ],
  });
  t.teardown(() => broker.stop());
  t.truthy(attachedTo);
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  const versions = await client.conn.request(18, 3, { clientSoftwareName: 'ext', clientSoftwareVersion: '1' });
  t.deepEqual(versions.apiKeys.find((k) => k.apiKey === 16), { apiKey: 16, minVersion: 0, maxVersion: 5 });
  const groups = await client.conn.request(16, 4, { statesFilter: [] });
  t.deepEqual(groups.groups.map((g) => g.groupId), ['from-extension']);
});
