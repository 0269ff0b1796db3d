// The event bus: CRM changes received from the portal, published once with the fresh record,
// delivered to every subscriber on every replica (in memory, or through Redis pub/sub).
import { createPubSub, filter, pipe, type PubSub } from 'graphql-yoga';

export type ChangeAction = 'add' | 'update' | 'delete';

export interface CrmChange {
  entityTypeId: number;
  id: number;
  action: ChangeAction;
  /** The record as it is after the change (plain JSON), fetched once by the receiver; null
   * when deleted or no longer visible. */
  record: Record<string, unknown> | null;
  /** Smart-process cards: this update moved the card to another stage. */
  moved: boolean;
  /** When the gateway received the event (epoch ms). */
  at: number;
}

type Topics = { crm: [CrmChange] };

export class EventHub {
  published = 0;

  constructor(private readonly pubsub: PubSub<Topics> = createPubSub<Topics>()) {}

  publish(change: CrmChange): void {
    this.published++;
    this.pubsub.publish('crm', change);
  }

  /** Changes matching `accept`, as an async iterable for a subscription resolver. */
  subscribe(accept: (change: CrmChange) => boolean): AsyncIterable<CrmChange> {
    return pipe(this.pubsub.subscribe('crm'), filter(accept));
  }
}
