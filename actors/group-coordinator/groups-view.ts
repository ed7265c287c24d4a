/**
 * The broker's GroupsView over its group coordinators: every
 * `__consumer_offsets` partition is asked, as ListGroups does, so groups of a
 * partition not loaded yet show up too; those led elsewhere answer
 * NOT_COORDINATOR and are another broker's to show.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { GroupsView, GroupView } from '../broker/groups-view.js';
import type { TopicCatalog } from '../controller/catalog.js';
import { OFFSETS_TOPIC } from './actor-messages.js';
import type { GroupCoordinatorClient } from './coordinator-client.js';

export class CoordinatorGroupsView implements GroupsView {
  constructor(
    private readonly controller: TopicCatalog,
    private readonly client: GroupCoordinatorClient,
  ) {}

  async groups(): Promise<GroupView[]> {
    // no offsets topic, no groups: looking must not create it
    if (this.controller.topic(OFFSETS_TOPIC) === undefined) return [];
    const partitions = Array.from({ length: this.client.settings.offsetsTopicPartitions }, (_, p) => p);
    const outs = await Promise.all(partitions.map((p) => this.client.request(p, { op: 'overview' })));
    const groups: GroupView[] = [];
    for (const [p, o] of outs.entries()) {
      if (o.ok) groups.push(...o.reply.groups);
      // a partial list would pass for the whole one
      else if (o.errorCode !== ErrorCode.NOT_COORDINATOR) throw new Error(`group coordinator of ${OFFSETS_TOPIC}-${p}: ${o.message}`);
    }
    return groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }
}
