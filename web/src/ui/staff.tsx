// The staff's pages, one chunk that the dealers' pages never download: the rep's console, the
// dealers, orders on a dealer's behalf, the processing queue, the manager's settings and log,
// and the dashboard (itself a further chunk, with ECharts). Which page a role may open is
// roles.ts's; the server checks every op again.
import type { FairContext } from './app';
import { lazyComponent } from './hooks';
import { Behalf } from './behalf';
import { Console } from './console';
import { Dealers } from './dealers';
import { Manage } from './manage';
import { Processing } from './processing';
import { mayOpen } from './roles';

/** The dashboard with ECharts, a chunk of its own fetched the first time it is shown. */
const LazyDashboard = lazyComponent<{ ctx: FairContext; big: boolean }>(() => import('./dashboard').then((m) => m.default));

/** What each staff page shows (`id`: the route's id); roles.ts says who may open it. */
const PAGES: Record<string, (ctx: FairContext, id: number) => preact.JSX.Element> = {
  console: (ctx) => <Console ctx={ctx} />,
  queue: (ctx) => <Processing ctx={ctx} />,
  behalf: (ctx, id) => <Behalf ctx={ctx} dealer={id} />,
  dealers: (ctx) => <Dealers ctx={ctx} />,
  manage: (ctx) => <Manage ctx={ctx} />,
  dashboard: (ctx) => <LazyDashboard ctx={ctx} big={false} />,
  bigscreen: (ctx) => <LazyDashboard ctx={ctx} big />,
};

/** The staff page named `page`, for a user who may open it (else nothing). */
export default function StaffPage({ ctx, page, id }: { ctx: FairContext; page: string; id: number }) {
  return mayOpen(page, ctx.user) && PAGES[page] ? PAGES[page](ctx, id) : null;
}
