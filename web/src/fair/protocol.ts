// fair.v1 as docs/PROTOCOL.md describes it: the messages the pages send and receive.
// Amounts are integers of the currency's minor unit (fen, cents); times are ISO 8601 strings.

export type Role = 'dealer' | 'rep' | 'manager' | 'admin';
export type FairStatus = 'scheduled' | 'live' | 'paused' | 'closed';
export type ErrorCode =
  | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'fair_not_live'
  | 'insufficient_stock' | 'limit_exceeded' | 'credit_exceeded' | 'conflict' | 'rate_limited'
  | 'too_large' | 'unavailable' | 'in_doubt' | 'internal' | 'below_minimum' | 'coupon_refused';

export interface User {
  id: number;
  name: string;
  role: Role;
  must_change_password: boolean;
  dealer?: { id: number; name: string; region: string; tier: string } | null;
}

export interface Fair {
  id: number;
  name: string;
  /** its English name, '' when it has none (nameOf) */
  name_en?: string;
  season: string;
  status: FairStatus;
  starts_at: string;
  ends_at: string;
  timezone: string;
  currency: string;
  /** fairs.list to a dealer: its counted orders at the fair (amounts in minor units) */
  mine?: { orders: number; amount: number; payable: number };
}

export interface Images { thumb: string; card: string; full: string }

/** A product's clip (issue 24): an H.264/AAC MP4 of at most 720p served with byte ranges, its
 * poster, the duration and the MP4's picture size. */
export interface Clip { url: string; poster: string; duration_ms: number; width: number; height: number }

/** catalog.terms: the brand's English names of the fair's colours and categories, by their names. */
export interface Terms { colors: Record<string, string>; categories: Record<string, string> }
export interface Variant { id: number; size: string; color: string; remaining: number }

export interface Flash { price: number; starts_at: string; ends_at: string }

export interface Item {
  product: number;
  style: string;
  name: string;
  name_en?: string | null;
  category: string;
  description: string;
  description_en?: string | null;
  images?: Images | null;
  color_images?: Record<string, Images> | null;
  clip?: Clip; // only when the product has one
  price: number;
  base_price: number;
  tier_prices?: Record<string, number>;
  /** to a dealer whose tier has its own price: the fair's price for every other tier */
  fair_price?: number;
  moq: number;
  limit: number | null;
  pack: Record<string, number> | null; // units per size in one pack (配碼), per colour
  must_order: boolean;
  withdrawn: boolean;
  sold: number;
  variants: Variant[];
  flash: Flash | null;
}

export interface Spotlight { product: number; note: string; by: string; at: string }

/** The fair's live video (PROTOCOL.md, push `stream`): hls is the playlist's path while live. */
export interface Stream {
  state: 'off' | 'live' | 'ended';
  hls: string | null;
  started_at: string | null;
  ended_at: string | null;
  playback_url: string | null;
  /** the recorded sessions, the newest first (a server before replays sends none) */
  replays?: Replay[];
}

/** A recorded session (PROTOCOL.md, "Live video"): an MP4 served with byte ranges. */
export interface Replay {
  id: number;
  url: string;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  chapters: Chapter[];
}

/** A spotlight of the session, at its offset from the recording's start. */
export interface Chapter { offset_ms: number; product: number; note: string; name: string; name_en: string | null }

export interface ChatMessage {
  id: number;
  product: number | null;
  author: { id: number; name: string; role: Role; dealer: number | null };
  text: string;
  reply_to: number | null;
  status: 'open' | 'claimed' | 'answered';
  claimed_by: number | null;
  private: boolean;
  at: string;
  /** A question the reps marked as one of the fair's FAQ (chat.faq). */
  faq?: boolean;
}

/** One answered question as `faq` lists it; `faq` when the reps marked it. */
export interface FaqItem { id: number; product: number | null; question: string; answer: string; at: string; faq: boolean }

export interface Line { variant: number; qty: number }

export interface OrderLine extends Line {
  product: number; size: string; color: string; price: number;
  /** the line's share of the order's discount (PROTOCOL.md, "Fair policies") */
  discount?: number;
}

export interface HistoryEntry {
  status: string; at: string; by: string | null; note: string | null;
  carrier: string | null; tracking: string | null;
}

export type OrderStatus =
  | 'accepted' | 'reviewed' | 'shipped' | 'in_transit' | 'delivered' | 'rejected' | 'cancelled';

/** One of a dealer's ship-to addresses, as an order keeps its copy. */
export interface Address { id: number; label: string; recipient: string; phone: string; address: string }
/** The same in the dealer's list (addresses.list): which one is its default. */
export interface SavedAddress extends Address { default: boolean }

export interface Order {
  id: number;
  key: string;
  fair: number;
  dealer: number;
  status: OrderStatus;
  lines: OrderLine[];
  total: number;
  ship_to: Address | null;
  note: string;
  placed_by: number;
  /** Who placed it (orders.mine), and whether a rep or an admin did so for the dealer. */
  placed_by_name?: string | null;
  on_behalf?: boolean;
  created_at: string;
  priority?: string;
  carrier?: string | null;
  tracking?: string | null;
  updated_at?: string;
  history?: HistoryEntry[];
  /** what the fair's policies and its coupon take off it now, and what is left to pay */
  discount?: number;
  discounts?: { early: number; tier: number; coupon: number };
  payable?: number;
  /** the code of the coupon it holds */
  coupon?: string | null;
}

/** A discount tier: a percentage (basis points) or an amount off, from a dealer's total at the fair. */
export interface PolicyTier { from: number; percent_bp?: number; amount_off?: number }

/** The fair's ordering policies (policy.get, policy.set, event `policy`). */
export interface Policy {
  fair: number;
  min_total: number | null;
  early: { minutes: number; percent_bp: number; until: string } | null;
  tiers: PolicyTier[];
  updated_at?: string;
}

/** Where a dealer stands against the policies (policy.get `mine`). */
export interface PolicyStanding {
  dealer: number;
  total: number;
  discount: number;
  early_discount: number;
  tier_discount: number;
  tier: PolicyTier | null;
  next: (PolicyTier & { more: number }) | null;
  below_minimum: number;
}

/** A coupon as coupon.list shows it: to a dealer the terms and `left`, to the staff all of it. */
export interface Coupon {
  id?: number;
  code: string;
  name: string;
  amount_off: number | null;
  percent_bp: number | null;
  cap: number | null;
  threshold: number;
  valid_until: string;
  left?: number;
  valid_from?: string;
  tier?: string | null;
  region?: string | null;
  dealers?: number[] | null;
  issued?: number;
  used?: number;
  per_dealer?: number;
  discount_given?: number;
}

/** A tier's points rate (PROTOCOL.md, "Points"): per_100 points per 100 of the currency paid. */
export interface PointsRate { tier: string; per_100: number; validity_days: number }

/** An entry of a dealer's points ledger, newest first in points.mine. */
export interface PointsEntry {
  kind: 'earned' | 'redeemed' | 'expired' | 'adjusted';
  points: number; // negative when spent or expired
  at: string;
  order: number | null; // earned: the delivered order
  coupon: string | null; // redeemed: the coupon's code
  note: string;
  expires_at: string | null; // earned: when what is left of it expires
}

/** points.mine: the balance (point_value minor units each), what expires in 30 days, the history. */
export interface PointsMine {
  balance: number;
  point_value: number;
  rate: PointsRate | null;
  expiring: { points: number; expires_at: string }[];
  history: PointsEntry[];
}

/** points.redeem: the dealer's own one-use coupon at the fair, and the balance after. */
export interface PointsRedeemed {
  coupon: { code: string; name: string; amount_off: number; fair: number; valid_until: string };
  balance: number;
}

/** points.rates: every tier's rate and what a point is worth. */
export interface PointsRates { rates: PointsRate[]; point_value: number }

export interface Attainment {
  dealer: number;
  target: { amount: number; units: number | null } | null;
  ordered: { amount: number; units: number };
  ratio: number | null;
  missing: { product: number; style: string; name: string }[];
  credit: Credit;
}

/** The dealer's credit as order.place and order.amend check it, in minor units: its limit, the
 * total of its open orders at every fair, and what is left (never below 0). Limit 0: no credit. */
export interface Credit { limit: number; open: number; available: number }

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  available?: Record<string, number>;
  order?: number;
  status?: string;
  product?: number;
  moq?: number;
  limit?: number;
  ordered?: number;
  available_credit?: number;
  total?: number;
  variant?: number;
  /** bad_request of an order's lines: moq, pack, withdrawn or not_offered (PROTOCOL.md) */
  reason?: string;
  /** moq: the product's units in the order; limit_exceeded: the units this order asks for */
  qty?: number;
  color?: string;
  pack?: Record<string, number>;
  [detail: string]: unknown;
}

export interface Hello { ev: 'hello'; user: User; server_time: string; fairs: Fair[] }

export interface JoinSnapshot {
  seq: number;
  resumed?: false;
  fair: Fair;
  items: Item[];
  total: number;
  spotlight: Spotlight | null;
  stream?: Stream | null;
  stock: Record<string, number>;
  chat: ChatMessage[];
}

export interface JoinResume { seq: number; resumed: true; missed: Push[]; stock: Record<string, number> }

// Pushes: history events carry fair and seq; state events do not.
export type Push =
  | { ev: 'spotlight'; fair: number; seq: number; product: number; note: string; by: string; at: string }
  | { ev: 'price'; fair: number; seq: number; product: number; price: number; was: number; at: string;
      tier?: string | null; tier_prices?: Record<string, number>; fair_price?: number }
  | { ev: 'flash'; fair: number; seq: number; product: number; price: number; starts_at: string; ends_at: string }
  | { ev: 'item.new'; fair: number; seq: number; item: Item }
  | { ev: 'item.updated'; fair: number; seq: number; item: Item }
  | { ev: 'item.withdrawn'; fair: number; seq: number; product: number }
  | ({ ev: 'chat'; fair: number; seq: number } & ChatMessage)
  | { ev: 'chat.hidden'; fair: number; seq: number; id: number }
  | { ev: 'stock'; fair: number; v: Record<string, number>; at: string }
  | { ev: 'fair.state'; fair: number; status: FairStatus; starts_at: string; ends_at: string; name?: string; name_en?: string }
  | { ev: 'presence'; fair: number; online: number }
  | ({ ev: 'stream'; fair: number; seq: number } & Stream)
  | { ev: 'order.status'; fair: number; dealer: number; order: number; status: OrderStatus; at: string;
      note: string | null; carrier: string | null; tracking: string | null }
  | ({ ev: 'attainment'; fair: number } & Attainment)
  | { ev: 'policy'; fair: number; seq: number; policy: Policy | null };

export type PushName = Push['ev'];
