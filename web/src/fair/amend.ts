// order.amend from the pages: an accepted order's new lines, sent until the server answers.
// An amend to the lines the order already has changes nothing and answers the order, also
// after the fair (PROTOCOL.md, order.amend), so an answer that was lost is asked for again with
// the same lines, as the sheet asks again with an order's key: never guessed.
import { FairClient, FairError } from './client';
import type { Line, Order } from './protocol';
import { outcomeUnknown, waitLive } from './sheet';

export type AmendResult = { kind: 'accepted'; order: Order } | { kind: 'refused'; error: FairError };

/** Replaces the order's lines; `onRetry` is called each time the answer was lost and the same
 * amend goes again once the connection is live. Resolves with the server's answer. */
export async function amendOrder(client: FairClient, order: number, lines: Line[],
  onRetry: () => void): Promise<AmendResult> {
  for (;;) {
    try {
      const r = await client.request<{ order: Order }>('order.amend', { order, lines });
      return { kind: 'accepted', order: r.order };
    } catch (e) {
      const err = e instanceof FairError ? e : new FairError({ code: 'internal', message: String(e) });
      if (!outcomeUnknown(err)) return { kind: 'refused', error: err };
      onRetry();
      await waitLive(client);
    }
  }
}
