// Which pages a role may open (the server checks every op again).
import type { User } from '../fair/protocol';

/** Who may present and answer: the rep's console, processing, orders on behalf. */
export const isPresenter = (u: User) => u.role === 'rep' || u.role === 'admin';
/** Who sets targets and must-order styles and reads the audit log. */
export const isManager = (u: User) => u.role === 'manager' || u.role === 'admin';
/** Who sees the fair's live figures and its dealers. */
export const isStaff = (u: User) => u.role !== 'dealer';

/** The staff's pages by route, and who may open each. */
export const STAFF_PAGES: Record<string, (u: User) => boolean> = {
  console: isPresenter, queue: isPresenter, behalf: isPresenter,
  dealers: isStaff, dashboard: isStaff, bigscreen: isStaff, manage: isManager,
};

/** Whether this user may open the staff page named by a route. */
export function mayOpen(page: string | undefined, u: User): boolean {
  return !!page && Object.prototype.hasOwnProperty.call(STAFF_PAGES, page) && STAFF_PAGES[page](u);
}
