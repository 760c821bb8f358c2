// The pages' words in Simplified Chinese (the default), Traditional Chinese and English, the
// choice remembered in this browser; money and times by Intl in the fair's currency and zone.
import type { Terms } from './fair/protocol';

export type Lang = 'zh-Hans' | 'zh-Hant' | 'en';
export const LANGS: { id: Lang; label: string }[] = [
  { id: 'zh-Hans', label: '简体中文' },
  { id: 'zh-Hant', label: '繁體中文' },
  { id: 'en', label: 'English' },
];

const zhHans = {
  app_name: '网络订货会',
  inbox: '消息', inbox_title: '站内信', inbox_aria: '站内信，{n} 条未读', inbox_unread_n: '{n} 条未读',
  inbox_unread: '未读', inbox_empty: '还没有消息', inbox_mark_read: '标为已读', inbox_mark_all: '全部标为已读',
  inbox_mail: '邮件通知', inbox_email: '邮箱', inbox_mail_lang: '邮件语言', inbox_mail_kinds: '以下消息也发邮件',
  inbox_saved: '已保存', inbox_kind_product_launched: '新品上架', inbox_kind_coupon: '优惠券',
  inbox_kind_promotion: '促销活动', inbox_kind_fair_reminder: '开幕提醒', inbox_kind_order_status: '订单状态',
  inbox_kind_chat_answer: '问答回复', msg_product_launched: '{fair} 新品上架：{name}（款号 {style}）{price}',
  msg_coupon: '{fair} 送您一张优惠券「{name}」{terms}，券码 {code}', msg_coupon_amount: '（满 {from} 减 {off}）',
  msg_coupon_percent: '（减 {pct}%）', msg_promotion: '{fair}：{title}', msg_reminder_day: '{fair} 将于明天开幕：{time}',
  msg_reminder_hour: '{fair} 将于一小时内开幕：{time}', msg_order_status: '订单 {order}：{status}',
  msg_tracking: '{carrier} 运单号 {tracking}', msg_chat_answer: '您的提问「{question}」有了回复：{answer}',
  accounts_link: '账号', accounts_title: '账号与经销商',
  accounts_intro: '找到一个账号或一家经销商：重置忘记的密码、停用或恢复账号、调整业务代表负责的区域，修改经销商的信用额度、等级和区域，建立新的经销商和账号。',
  accounts_users: '账号', accounts_dealers: '经销商', accounts_search: '账号、姓名、经销商名称或编号',
  accounts_of: '{name} 的账号', accounts_all: '显示全部', accounts_found: '共 {n} 个账号', accounts_none: '没有找到账号',
  role_all: '全部角色', role_dealer: '经销商', role_rep: '业务代表', role_manager: '品牌经理', role_admin: '管理员',
  account_name: '姓名', account_role: '角色', account_scope: '经销商或区域', account_state: '状态',
  account_last_login: '最近登录', account_actions: '操作', account_all_regions: '全部区域', account_disabled: '已停用',
  account_temporary: '待设密码', account_active: '正常', account_never: '从未登录', account_reset: '重置密码',
  account_enable: '恢复', account_disable: '停用', account_edit: '修改',
  account_reset_confirm: '重置 {login} 的密码？他已登录的页面会退出，需用新的临时密码登录。',
  account_reset_done: '{login} 的密码已重置', account_disable_confirm: '停用 {login}？他已登录的页面会立即退出，且不能再登录。',
  account_disabled_done: '{login} 已停用', account_enabled_done: '{login} 已恢复，可以登录', account_saved: '{login} 已修改',
  account_edit_confirm: '修改 {login} 的角色或区域？他需要重新登录。', account_regions: '负责区域',
  account_regions_hint: '用顿号或逗号分隔；空着表示全部区域', account_no_dealer: '没有编号为“{code}”的经销商',
  account_made: '账号 {login} 已建立', account_new: '新建账号', account_dealer_code: '经销商编号',
  account_password: '临时密码', account_password_hint: '空着则由系统生成', account_make: '建立账号',
  account_password_is: '{login} 的临时密码：', account_password_once: '只显示这一次。请当面或电话告诉对方；对方首次登录时须改成自己的密码。',
  account_password_done: '已告知，关闭', copy: '复制', copied: '已复制', page_prev: '上一页', page_next: '下一页',
  dealers_search: '编号、名称或区域', dealers_found: '共 {n} 家经销商', dealers_none: '没有找到经销商',
  dealer_code: '编号', dealer_tier: '等级', dealer_credit: '信用额度', dealer_accounts: '账号数',
  dealer_accounts_open: '账号', dealer_saved: '{name} 已修改', dealer_bad_tier: '等级是一个大写字母，例如 A',
  dealer_unchanged: '没有改动', dealer_relogin_confirm: '改等级或区域会让 {name} 的 {n} 个账号重新登录（他们会看到新的价格）。继续？',
  dealer_address_half: '收货人和地址要一起填，或都空着', dealer_made: '经销商 {name}（{code}）已建立，现在可以为它建立账号',
  dealer_new: '新建经销商', dealer_code_hint: '空着则自动编号', dealer_recipient: '收货人', dealer_phone: '电话',
  dealer_address: '收货地址', dealer_make: '建立经销商',
  stock_title: '库存与配额', stock_intro: '给本场的颜色尺码追加配额，或收回还没卖出的配额；经销商页面上的剩余数立即更新，每次改动记入日志。',
  stock_pick: '选择要调整配额的商品', stock_left: '现余', stock_change: '增减（件）', stock_change_for: '{variant} 增减件数',
  stock_outcome: '结果', stock_hint: '正数追加，负数收回；收回不能超过未卖出的件数。', stock_apply: '调整配额',
  stock_bad_units: '{variant} 的增减要写一个不为 0 的整数，例如 +20 或 -5', stock_nothing: '没有要调整的颜色尺码',
  stock_done: '已改：配额 {allocation}，已售 {sold}，现余 {remaining}', stock_withdraw_max: '最多只能收回 {n} 件：卖出的不能收回',
  items_title: '商品上场', items_intro: '把品牌的商品放到本场：找到款号或新建一款，定本场价格、各等级价格和每个颜色尺码的配额；马上开卖，或先备好由业务代表在控制台上架。已在本场的商品可修改名称、介绍和吊牌价。',
  items_search: '搜索款号或名称', items_new_product: '新建商品', items_pick: '选择要上场的商品', items_offered: '已在本场',
  items_none: '没有找到商品', items_style: '款号', items_name: '名称', items_name_en: '英文名称（可空）', items_category: '品类',
  items_base_price: '吊牌价', items_sizes: '尺码（用逗号分隔）', items_colors: '颜色（用逗号分隔）', items_colors_hint: '黑色, 驼色',
  items_description: '介绍（可空）', items_make_product: '建立商品', items_need_variants: '至少要有一个尺码和一个颜色',
  items_too_many_variants: '尺码乘颜色是 {n} 个，最多 200 个', items_price: '本场价格（{currency}）',
  items_tier_prices: '等级价格（可空）', items_limit: '每家限订（件）', items_no_limit: '不限', items_moq: '起订量（件）',
  items_allocation: '配额（件）', items_every_cell: '每格', items_fill: '填入所有格', items_total: '共 {n} 件',
  items_units_for: '{variant} 配额', items_pack: '配码（每手件数）', items_pack_for: '{size} 每手件数',
  items_allocation_hint: '空格表示本场不卖这个颜色尺码；配码空着表示按件订。', items_must: '必订款',
  items_launch_now: '马上开卖', items_launch_later: '先备好，稍后上架', items_add: '上场',
  items_bad_tier_price: '看不懂“{part}”：请写成 A=899, B=949', items_bad_units: '{variant} 的配额要写 0 或正整数',
  items_need_allocation: '至少给一个颜色尺码配额', items_bad_limit: '限订要写一个正整数，或空着', items_bad_moq: '起订量要写一个正整数，或空着',
  items_bad_pack: '{size} 的每手件数要写一个正整数，或空着', items_launched: '{name} 已上场开卖，{price}',
  items_prepared: '{name} 已备好（{price}），业务代表可在控制台上架',
  cancel: '取消', fair_new: '新建订货会', fair_new_season: '季度', fair_new_currency: '币种', fair_new_zone: '时区',
  fair_new_make: '建立订货会', fair_new_bad_zone: '不认识时区“{zone}”：请写成 Asia/Shanghai 这样的名称',
  items_unchanged: '没有改动', items_product_saved: '{name} 的资料已保存', items_edit_product: '修改商品资料（{style}）',
  items_description_en: '英文介绍（可空）',
  ship_to_is: '收货：{recipient} {phone} · {address}', order_note_is: '备注：{note}',
  addresses_title: '收货地址', addresses_intro: '下单时可选发往哪个地址；没有选时发往默认地址。已下的订单保留下单时的地址。',
  addresses_none: '还没有收货地址', address_remove_confirm: '删除地址“{address}”？', address_removed: '地址已删除',
  address_saved: '地址已保存', address_unnamed: '地址', address_default: '默认', address_make_default: '设为默认',
  address_edit: '修改', address_remove: '删除', address_add: '添加收货地址', address_label: '名称（可空）',
  address_label_hint: '如 总店、仓库', ship_to: '发往', ship_to_none: '还没有收货地址', ship_to_manage: '管理收货地址',
  account_shut_out: '登录失败过多，锁定至 {time}；重置密码可立即解锁',
  webhooks_link: '回调', webhooks_title: 'Webhook 回调', webhooks_intro: '订单和订货会的事件以签名的 JSON POST 发给这些地址（ERP、短信网关、企业微信或钉钉机器人的适配器）。',
  webhooks_none: '还没有回调地址', webhook_url: '地址', webhook_events: '事件', webhook_fair: '订货会',
  webhook_calls: '调用', webhook_remove: '停用', webhook_remove_confirm: '停用 {url}？未发出的调用将不再发送。',
  webhook_removed: '回调 {id} 已停用', webhook_inactive: '（已停用）', webhook_all_fairs: '全部',
  webhook_counts: '待发 {pending} · 已发 {sent} · 失败 {failed}', webhook_last_error: '最近错误：{error}',
  webhook_add: '添加回调', webhook_added: '回调 {id} 已添加。密钥只显示这一次，请交给接收方：',
  webhook_fair_in: '只限订货会编号（可空）', webhook_secret_in: '密钥（可空：随机生成，16–200 个字符）',
  webhook_event_order_accepted: '订单接单', webhook_event_order_amended: '订单修改', webhook_event_order_cancelled: '订单取消',
  webhook_event_order_shipped: '订单发货', webhook_event_order_repriced: '订单折扣重算', webhook_event_fair_closed: '订货会结束（总计）',
  lang: '语言',
  log_in: '登录',
  log_out: '退出',
  login: '账号',
  password: '密码',
  wrong_login: '账号或密码错误',
  too_many_attempts: '尝试次数过多，请稍后再试',
  server_busy: '服务器繁忙，请重试',
  new_password_title: '设置新密码',
  new_password_why: '您的账号使用的是临时密码：请设置自己的密码后继续。',
  current_password: '当前密码',
  new_password: '新密码（至少 8 个字符）',
  save: '保存',
  wrong_current_password: '当前密码错误',
  conn_connecting: '连接中…',
  conn_live: '已连接',
  conn_reconnecting: '重新连接中…',
  conn_offline: '离线',
  conn_too_many: '连接过多：请关闭其他窗口',
  conn_logged_out: '已退出',
  fairs: '订货会',
  no_fairs: '暂无订货会',
  live_now: '进行中',
  upcoming: '即将开始',
  closed_fairs: '已结束',
  status_scheduled: '未开始',
  status_live: '进行中',
  status_paused: '已暂停',
  status_closed: '已结束',
  opens_in: '距开始 {t}',
  closes_in: '距结束 {t}',
  enter_fair: '进入订货会',
  my_orders: '我的订单',
  time_in_zone: '时区：{zone}',
  qty: '数量',
  amount: '金额',
  room: '直播间',
  catalog: '商品',
  sheet: '订货单',
  lobby: '大厅',
  search: '搜索商品',
  search_placeholder: '款号、名称…',
  all_categories: '全部分类',
  sort: '排序',
  sort_default: '默认',
  sort_hot: '热销',
  sort_new: '最新',
  sort_price_asc: '价格从低到高',
  sort_price_desc: '价格从高到低',
  sort_name: '名称',
  results: '共 {n} 件',
  loading: '加载中…',
  load_more: '加载更多',
  nothing_found: '没有找到商品',
  recommended: '为您推荐',
  must_order: '必订',
  flash: '限时价',
  low_stock: '库存紧张',
  sold_out: '已售罄',
  left: '剩 {n}',
  my_price: '我的价格',
  base_price: '原价',
  moq: '起订 {n} 件',
  limit: '每店限购 {n} 件',
  pack: '配码：{p}',
  packs_of: '每手 {n} 件',
  size: '尺码',
  color: '颜色',
  clip: '商品视频', clip_play: '播放商品视频（{d}）',
  qty_cell: '{color} {size} 数量',
  packs_cell: '{color} 手数',
  packs_left: '剩 {n} 手',
  row_total: '合计',
  col_total: '合计',
  units: '{n} 件',
  back: '返回',
  sheet_empty: '订货单是空的：在商品页填写尺码和颜色。',
  sheet_saved: '已保存到服务器 {t}',
  sheet_saving: '保存中…',
  sheet_offline: '离线：已保存在本机，联网后同步',
  total_units: '总件数',
  total_amount: '总金额',
  submit_order: '提交订单',
  submitting: '提交中…',
  remove: '删除',
  note: '备注',
  accepted: '订单已提交：{id} 号',
  print: '打印确认单',
  take_left: '只订剩余的',
  join_waitlist: '加入候补',
  change_qty: '修改数量',
  short_title: '库存不足，以下尺码只剩：',
  waitlisted: '已加入候补：第 {n} 位',
  waiting_offline: '等待联网：订单（编号 {key}）尚未发送',
  send_now: '现在提交',
  discard: '放弃',
  retrying: '答复丢失，正在用同一编号重试…',
  orders_empty: '还没有订单',
  order_no: '订单 {id}',
  status_accepted: '已接单',
  status_reviewed: '已审核',
  status_shipped: '已发货',
  status_in_transit: '运输中',
  status_delivered: '已签收',
  status_rejected: '已拒绝',
  status_cancelled: '已取消',
  cancel_order: '取消订单',
  cancel_confirm: '确定取消订单 {id}？',
  amend_order: '修改订单',
  amend_title: '修改订单 {id}',
  amend_send: '提交修改',
  amend_discard: '放弃修改',
  amend_accepted: '订单 {id} 已修改',
  amend_prices: '按现价计算；原合计 {amount}',
  amend_bad_qty: '数量要填 0 到 100000 的整数',
  amend_empty: '至少保留一行；都不要了请取消订单',
  amend_unchanged: '还没有修改',
  amend_over: '修改后多出 {amount}，超过可用额度 {left}：提交会被拒绝',
  amend_short_title: '库存不足，本单以下尺码最多可订：',
  amend_take_left: '改成可订数量',
  amend_retrying: '答复丢失，正在重新发送同样的修改…',
  status_changed: '订单已是“{status}”，不能再修改',
  note_amended: '已修改',
  qty_line: '{name} {color} {size} 数量',
  new_total: '新合计',
  removed: '已删除',
  restore: '恢复',
  credit_limit: '信用额度 {amount}',
  credit_open: '未完成订单 {amount}',
  credit_left: '可用额度',
  credit_none: '没有信用额度：订单会被拒绝，请联系业务代表',
  credit_over: '本单 {amount} 超过可用额度 {left}：提交会被拒绝',
  credit_refused: '超过可用额度：订单 {total}，可用 {left}',
  amend_credit_refused: '超过可用额度：修改后多出 {amount}，可用额度 {left}',
  tracking: '{carrier} 运单号 {no}',
  share_card: '分享卡',
  placed_at: '下单时间',
  spotlight: '正在讲解',
  no_spotlight: '主持人还没有展示商品',
  live_video: '直播',
  video_live: '直播中',
  tap_for_sound: '点按开启声音',
  stream_ended: '直播已结束',
  video_failed: '视频暂时无法播放，正在重试…',
  replay: '直播回放',
  replay_pick: '选择场次',
  replay_of: '{at} 开播，时长 {t}',
  chapters: '讲解商品',
  chapter_now: '正在回放：{name}',
  order_this: '订这款',
  presenter: '主讲：{name}',
  qa: '问答',
  ask: '提问',
  ask_placeholder: '向销售代表提问…',
  ask_about: '关于：{name}',
  send: '发送',
  answered_privately: '私下回复',
  awaiting_answer: '等待回复',
  faq: '常见问题',
  faq_pinned: '置顶',
  fair_faq: '本场常见问题',
  mark_faq: '设为常见问题',
  unmark_faq: '取消常见问题',
  placed_on_behalf: '由 {name} 代下单',
  attainment: '指标完成',
  target: '目标 {amount}',
  ordered: '已订 {amount}',
  missing_styles: '还缺必订款：',
  all_must_ordered: '必订款已全部下单',
  new_item: '新品上架：{name}',
  withdrawn: '已下架',
  fair_paused: '订货会已暂停：暂时不能下单',
  fair_closed: '订货会已结束',
  fair_scheduled: '订货会尚未开始',
  err_bad_request: '请求有误：{m}',
  err_unauthorized: '请先登录',
  err_forbidden: '没有权限',
  err_not_found: '找不到',
  err_fair_not_live: '订货会现在不接受订单',
  err_insufficient_stock: '库存不足',
  err_limit_exceeded: '超过每店限购数量',
  err_credit_exceeded: '超过可用额度',
  err_conflict: '操作冲突：{m}',
  err_rate_limited: '操作太频繁，请稍候',
  err_too_large: '内容太长',
  err_unavailable: '服务器暂时不可用，请重试',
  err_in_doubt: '结果未知：正在用同一编号重试',
  err_internal: '服务器出错',
  err_lost: '连接中断，答复丢失',
  bad_moq: '{name} 至少要订 {n} 件',
  bad_limit: '{name} 每店限购 {n} 件：已订 {o} 件，最多还能订 {r} 件',
  bad_moq_had: '{name} 起订 {n} 件，这次只订了 {q} 件',
  bad_pack: '{name} {color} 要按整手订：每手 {p}',
  bad_withdrawn: '{name} 已下架，不能再订',
  bad_not_offered: '这件商品不在本次订货会',
  key_taken: '这个订单编号已用于订单 {order}',
  product_n: '商品 {id}',
  ordered_n: '已订 {n} 件',
  language_switch: '切换语言',
  offline_copy: '离线：显示的是 {time} 保存在本机的内容，连接后自动更新',
  console: '控制台',
  items_list: '本场商品',
  search_items: '搜索款号或名称',
  shortcuts: '快捷键：↑/↓ 或 J/K 选择商品，Enter 设为讲解',
  sold_n: '已订 {n}',
  preview: '经销商看到的直播间',
  spotlight_note: '讲解备注（经销商可见）',
  spotlight_set: '设为讲解',
  price_for: '价格适用于',
  all_tiers: '所有等级',
  tier_n: '{t} 级',
  new_price: '新价格（元）',
  price_edit: '改价',
  price_was: '现价 {old}',
  flash_price: '限时价（元）',
  flash_start: '开始（留空为立即）',
  flash_minutes: '持续分钟',
  flash_apply: '开始限时价',
  withdraw: '下架',
  launch: '上架',
  done_spotlight: '已设为讲解：{name}',
  done_price: '{who}价格已改为 {price}',
  done_flash: '限时价 {price}，至 {end}',
  done_withdraw: '{name} 已下架',
  done_launch: '{name} 已上架',
  bad_money: '请输入金额，例如 1011.00',
  bad_minutes: '持续时间为 1 到 1440 分钟',
  queue: '提问队列',
  queue_empty: '没有待回答的问题',
  claim: '认领',
  claimed_by_me: '我已认领',
  claimed_by_other: '{name} 已认领',
  someone: '其他销售',
  answer_placeholder: '回答…',
  answer_public: '公开回答',
  answer_private: '私下回答',
  hide: '隐藏',
  hide_confirm: '隐藏这条消息？所有人都将看不到它。',
  answered_n: '已回答（{n}）',
  general_question: '一般问题',
  dashboard: '数据看板',
  big_screen: '数据大屏',
  report_csv: '下载订单报表（CSV）',
  kpi_amount: '订货金额',
  kpi_orders: '订单数',
  kpi_units: '订货件数',
  kpi_dealers: '下单经销商',
  kpi_online: '在线经销商',
  kpi_target: '目标完成',
  updated_at: '更新于 {t}',
  chart_per_minute: '每分钟订货',
  chart_top_products: '商品订货件数 TOP 20',
  chart_sell_through: '售罄率 TOP 20',
  chart_by_region: '各区域订货金额',
  chart_by_tier: '各等级订货金额',
  ranking_dealers: '经销商订货排名',
  dealers_behind: '距目标最远的经销商',
  regions_attainment: '区域目标完成',
  dealer: '经销商',
  region: '区域',
  no_dealer_targets: '还没有给经销商设目标',
  chart_by_category: '各品类订货金额',
  chart_must_order: '必订款完成情况',
  no_must_order: '本场没有必订款',
  must_complete: '{of} 家下单经销商中 {n} 家已订齐全部 {styles} 个必订款',
  dealers_ordered: '已订经销商数',
  processing: '订单处理',
  queue_open: '未完成的订单',
  status_filter: '按状态筛选',
  queue_after_fair: '订货会结束后才能处理订单（进行中的订单还可能被修改）',
  queue_none: '没有订单',
  prio_normal: '普通',
  prio_high: '优先',
  prio_urgent: '加急',
  priority: '优先级',
  key_dealer: '重点经销商',
  warehouse: '发货仓：{w}',
  held: '待人工审核：{why}',
  review_note: '审核备注（拒绝时必填）',
  approve: '审核通过',
  reject: '拒绝',
  reject_needs_note: '拒绝需要写明原因',
  reject_confirm: '拒绝订单 {id}？其数量将退回本场配额。',
  carrier: '承运商',
  tracking_no: '运单号',
  ship: '发货',
  mark_in_transit: '标记为运输中',
  mark_delivered: '标记为已签收',
  manage: '设置与日志',
  targets: '订货指标',
  target_for: '指标对象',
  dealer_id: '经销商编号',
  target_amount: '金额（元）',
  target_units: '件数（可选）',
  bad_units: '件数要填不小于 0 的整数',
  bad_dealer_id: '经销商编号是一个数字',
  target_saved: '{who} 的指标已设为 {amount}',
  must_order_styles: '必订款',
  fair_settings: '订货会设置',
  fair_name_label: '名称',
  fair_name_en_label: '英文名称（可空）',
  fair_starts: '开幕时间',
  fair_ends: '结束时间',
  fair_save: '保存设置',
  fair_saved: '订货会设置已保存',
  fair_nothing_changed: '没有更改',
  fair_name_needed: '请填写名称',
  fair_time_bad: '请填写完整的日期和时间',
  fair_times_bad: '结束时间须晚于开幕时间',
  fair_pause: '暂停订货',
  fair_resume: '恢复订货',
  fair_paused_now: '已暂停：经销商暂时不能下单',
  fair_resumed: '已恢复订货',
  fair_close: '结束订货会',
  fair_close_confirm: '结束“{name}”？结束后经销商不能再下单，且无法恢复。',
  fair_closed_final: '订货会已结束，不能再更改',
  terms_title: '颜色与品类的英文名',
  terms_hint: '英文页面和英文确认单显示这些名称；没有英文名的显示中文。清空一项即删除它。',
  terms_colors: '颜色',
  terms_categories: '品类',
  terms_missing: '尚无英文名',
  terms_english_of: '{name} 的英文名',
  terms_save: '保存英文名',
  terms_saved: '英文名已保存',
  media_title: '商品图片与视频',
  media_pick: '选一款商品',
  media_picture: '图片',
  media_picture_for: '图片用于',
  media_picture_main: '商品主图',
  media_upload_picture: '上传图片',
  media_video: '视频',
  media_no_video: '还没有视频',
  media_upload_video: '上传视频',
  media_remove_video: '移除视频',
  media_remove_confirm: '移除 {name} 的视频？经销商将不再看到它。',
  media_uploading: '正在上传并转码…',
  media_picture_saved: '图片已更新',
  media_video_saved: '视频已更新（{s} 秒）',
  media_video_removed: '视频已移除',
  media_limits: 'JPEG、PNG 或 WebP 图片，至多 10 MB；MP4、MOV 或 WebM 短视频',
  reports: '报表与图片',
  chart_png_units_by_product: '图：商品订货件数',
  chart_png_amount_per_minute: '图：每分钟订货金额',
  chart_png_by_region: '图：各区域订货金额',
  chart_png_sell_through: '图：售罄率',
  audit_log: '操作日志',
  audit_action: '操作',
  audit_all: '全部操作',
  audit_filter: '按人、对象或内容筛选',
  refresh: '刷新',
  audit_when: '时间',
  audit_who: '操作人',
  audit_target: '对象',
  audit_change: '变更',
  audit_count: '显示 {n} 条，共 {all} 条',
  product: '商品',
  behalf_title: '代客下单：{name}',
  behalf_pick: '选择商品',
  behalf_lines: '本单明细',
  behalf_submit: '为 {name} 提交订单',
  behalf_accepted: '已为 {name} 提交订单 {id} 号',
  order_for: '代客下单',
  behalf_forbidden: '{name} 不在您负责的区域，不能代其下单',
  dealers: '经销商',
  dealers_total: '共 {n} 家',
  sort_behind: '离目标最远',
  sort_amount: '订货金额',
  online_only: '只看在线',
  online_now: '在线',
  offline_now: '离线',
  page_n: '第 {n} / {of} 页',
  none: '无',
  // the dealer's points (issue 25)
  points_link: '积分', points_title: '我的积分', points_balance: '可用积分', points_unit: '分',
  points_worth: '价值 {amount}', points_rate: '{tier} 级：每付 {per} 得 {n} 分，有效期 {days} 天。',
  points_no_rate: '您的等级现在不积分。', points_value: '每分抵 {value}。', points_expiring: '30 天内到期',
  points_n: '{n} 分', points_expires_at: '{t} 到期', points_expiring_none: '30 天内没有到期的积分',
  points_history: '积分记录', points_history_none: '还没有积分记录', points_earned: '订单 {order} 收货得分',
  points_redeemed: '兑换为优惠券 {code}', points_kind_earned: '订货得分', points_kind_redeemed: '兑换优惠券',
  points_kind_expired: '过期', points_kind_adjusted: '调整', points_adjusted: '调整：{note}',
  redeem_title: '兑换优惠券', redeem_fair: '用于哪场订货会', redeem_fair_option: '{name}（{state}）', redeem_valid: '有效期至 {t}',
  redeem_points: '兑换积分（最多 {n}）', redeem_hint: '填写积分，这里显示能兑换的优惠券金额',
  redeem_preview: '可兑换 {amount} 优惠券，仅限您在 {fair} 使用一次，有效期至 {until}（{zone}）',
  redeem_next: '下一步', redeem_question: '用 {n} 积分兑换 {fair} 的 {amount} 优惠券？', redeem_final: '兑换后积分不退回。',
  redeem_confirm: '确认兑换', redeem_sending: '正在兑换…', redeem_back: '返回修改', redeem_done: '兑换成功',
  redeem_coupon_terms: '{amount} 优惠券，在 {fair} 下单时使用一次', redeem_balance_after: '剩余积分 {n}',
  redeem_use: '去订货单使用', redeem_again: '再兑换一张',
  redeem_no_fair: '现在没有进行中或即将开始的订货会，积分暂时不能兑换', redeem_nothing: '没有可兑换的积分',
  redeem_bad_points: '请填写不小于 1 的整数积分', redeem_over: '您只有 {n} 积分',
  redeem_lost: '连接中断，不知道是否已兑换：请先看下方积分记录，不要重复兑换',
  redeem_refused_balance: '积分不足：要兑换 {n} 分，您现有 {balance} 分',
  redeem_refused_closed: '{fair} 已结束，积分只能兑换给进行中或即将开始的订货会', redeem_refused_unknown: '找不到这场订货会',
  // fair policies and coupons (issue 25)
  policies: '订货政策',
  policy_none: '本场没有订货政策',
  tier_percent: '满 {from} 享 {pct} 折扣',
  tier_amount: '满 {from} 减 {off}',
  next_percent: '再订 {more} 享 {pct} 折扣',
  next_amount: '再订 {more} 减 {off}',
  tier_reached: '已达：{tier}',
  top_tier: '已是最高档',
  fair_total: '本场累计 {amount}，已优惠 {discount}',
  early_bird: '早鸟 {pct} 折扣：{until} 前下单',
  early_over: '早鸟优惠已于 {until} 结束',
  min_total: '每店起订金额 {amount}',
  min_missing: '还差 {amount} 达到起订金额',
  min_reached: '已达起订金额',
  coupon: '优惠券',
  coupon_none: '不使用优惠券',
  coupon_none_here: '暂无可用的优惠券',
  coupon_amount: '减 {off}',
  coupon_percent: '{pct} 折扣',
  coupon_cap: '，最多减 {cap}',
  coupon_from: '满 {threshold} 可用',
  coupon_until: '有效期至 {t}',
  coupon_left: '还可用 {n} 次',
  coupon_under: '本单未满 {threshold}：这张优惠券用不了',
  est_discount: '预计优惠',
  est_payable: '预计应付',
  est_note: '按现在的政策估算，以提交结果为准',
  sheet_reaches: '本单将达到“{tier}”，之前的订单也按此计算',
  discount: '优惠',
  payable: '应付',
  disc_early: '早鸟',
  disc_tier: '满额',
  disc_coupon: '优惠券 {code}',
  fair_price: '订货会价',
  lobby_mine: '我在本场：{n} 张订单 · 应付 {amount}', lobby_mine_none: '我在本场没有下单',
  dd_title: '优惠与优惠券', dd_given: '已优惠', dd_share: '占订货金额 {pct}', dd_orders: '{n} / {all} 张订单享受优惠',
  dd_manage: '管理订货政策与优惠券', dd_none: '还没有优惠', dd_coupon: '优惠券', dd_coupon_none: '本场没有优惠券',
  accepted_discount: '优惠 {discount} · 应付 {payable}',
  err_below_minimum: '未达到起订金额',
  err_coupon_refused: '优惠券不能使用：{m}',
  below_minimum: '未达到每店起订金额 {min}：本场已订 {total}，加上本单 {would}，还差 {more}',
  coupon_unknown: '本场没有优惠券 {code}',
  coupon_not_valid_now: '优惠券 {code} 现在不在有效期内（{from} 至 {until}，{zone}）',
  coupon_not_for_dealer: '优惠券 {code} 不适用于您的店',
  coupon_used_up: '优惠券 {code} 已被用完（共 {n} 次）',
  coupon_per_dealer: '优惠券 {code} 每店限用 {n} 次，您已用完',
  coupon_threshold: '优惠券 {code} 要订满 {threshold} 才能用，本单 {total}',
  policy_save: '保存政策',
  policy_clear: '取消全部政策',
  policy_clear_confirm: '取消本场的全部订货政策？所有订单的折扣会重新计算。',
  policy_saved: '政策已保存，所有订单已按新政策重新计算',
  policy_cleared: '已取消本场的订货政策',
  policy_min_in: '每店起订金额（可空）',
  early_minutes: '早鸟：开场后分钟数（可空）',
  early_percent: '早鸟折扣 %',
  tiers: '满额档位',
  tier_from: '满（金额）',
  tier_kind: '方式',
  kind_percent: '折扣 %',
  kind_amount: '减金额',
  tier_value: '折扣或金额',
  tier_add: '添加一档',
  tier_remove: '删除第 {n} 档',
  tier_no: '第 {n} 档',
  bad_percent: '折扣要在 0.01% 到 90% 之间',
  bad_early: '早鸟要同时填 1 到 10080 分钟和折扣',
  bad_tier: '第 {n} 档：{why}',
  bad_amount_off: '减的金额要小于“满”的金额',
  coupons: '优惠券',
  coupon_code: '券码',
  coupon_name: '名称',
  coupon_kind: '方式',
  coupon_value: '金额或折扣 %',
  coupon_cap_in: '最多减（可空）',
  coupon_threshold_in: '订单满多少可用（可空）',
  coupon_tier_in: '限等级（可空）',
  coupon_region_in: '限区域（可空）',
  coupon_dealers_in: '限经销商编号，逗号分隔（可空）',
  coupon_issued_in: '总次数',
  coupon_per_dealer_in: '每店次数',
  coupon_until_in: '有效期至（空为订货会结束）',
  coupon_create: '创建优惠券',
  coupon_created: '优惠券 {code} 已创建',
  coupon_end: '停用 {code}',
  coupon_end_confirm: '停用优惠券 {code}？已用的不受影响。',
  coupon_ended: '优惠券 {code} 已停用',
  coupon_terms: '条件',
  coupon_for: '适用',
  coupon_used: '已用 / 总数',
  coupon_given: '已优惠',
  coupon_valid: '有效期至',
  coupon_for_all: '全部经销商',
  coupon_over: '已结束',
  coupon_none_yet: '还没有优惠券',
  bad_code: '券码是 3–32 位字母、数字、_ 或 -',
  bad_count: '次数要填不小于 1 的整数',
  bad_dealers: '经销商编号是用逗号分隔的数字',
  bad_when: '有效期要填日期和时间',
  tier_letter: '等级是一个大写字母',
  coupon_taken: '本场已有券码 {code}：换一个券码',
  coupon_refresh: '刷新用量',
  rates_title: '积分比例',
  rates_intro: '经销商的订单收货后按等级积分，每分抵 {value}。改动只影响之后收货的订单。',
  rates_none: '还没有等级：在下面添加一个',
  rate_unset: '未设置：这一级不积分',
  rate_none: '不积分',
  rate_means: '每付 {per} 得 {n} 分，约返 {pct}，有效期 {days} 天',
  rate_bad_per: '每 {per} 的积分要填 0 到 10000 的整数',
  rate_bad_days: '有效天数要填 1 到 3650 的整数（空为 365）',
  rate_saved: '{tier} 级积分比例已保存',
  rate_per_in: '每 {per} 积分',
  rate_days_in: '有效天数',
  rate_save_tier: '保存 {tier} 级积分比例',
  rate_add_in: '添加等级（一个大写字母）',
  rate_add: '添加',
  rate_unsaved: '未保存',
  promo_title: '促销通知', promo_intro: '写一条促销消息，发到所选经销商的站内信；订阅了邮件的经销商也会收到邮件。',
  promo_subject: '标题', promo_body: '内容', promo_chars: '{n}/{max} 字', promo_to: '发给',
  promo_all: '本场全部经销商', promo_tier: '某一等级', promo_region: '某一区域', promo_dealers: '指定经销商',
  promo_tier_in: '等级（一个大写字母）', promo_region_in: '区域', promo_dealers_in: '经销商编号，逗号分隔',
  promo_reach: '将发给 {dealers} 家经销商（{users} 个账号）', promo_reach_none: '没有经销商符合：换个条件',
  promo_reach_wait: '正在计算会收到的经销商…', promo_reach_incomplete: '填好发给谁，就能看到会收到的经销商数',
  promo_looks: '经销商的站内信里会这样显示：', promo_send: '发送促销通知',
  promo_confirm: '发给 {dealers} 家经销商？发出后不能撤回。', promo_sent: '已发给 {dealers} 家经销商（{n} 条消息）',
  promo_bad_title: '标题要 1–100 字，写在一行', promo_bad_body: '内容要 1–2000 字', promo_bad_region: '区域要填 1–64 字',
};
export type Dict = typeof zhHans;
export type Key = keyof Dict;

// Simplified Chinese comes with the pages; the other languages are chunks of their own, loaded
// when chosen (about 13 KiB gzip the pages would otherwise carry for every reader).
const DICTS: Partial<Record<Lang, Dict>> = { 'zh-Hans': zhHans };
const LOADERS: Record<Exclude<Lang, 'zh-Hans'>, () => Promise<Dict>> = {
  'zh-Hant': () => import('./i18n-zh-Hant').then((m) => m.zhHant),
  en: () => import('./i18n-en').then((m) => m.en),
};
const LOCALES: Record<Lang, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB' };

/** The language this browser chose last (Simplified Chinese before any choice). */
export function rememberedLang(): Lang {
  const saved = localStorage.getItem('fair.lang');
  return saved === 'zh-Hant' || saved === 'en' || saved === 'zh-Hans' ? saved : 'zh-Hans';
}

let lang: Lang = 'zh-Hans'; // until setLang(rememberedLang()), which main.tsx awaits
let words = 0;
const listeners = new Set<() => void>();

export function currentLang(): Lang { return lang; }
export function locale(): string { return LOCALES[lang]; }

/** Switches the pages to next once its words are here (loaded the first time). When they
 * cannot be loaded (offline, and never loaded before), the pages stay in the language they
 * are in, and the choice is not remembered. */
export async function setLang(next: Lang): Promise<void> {
  if (!DICTS[next] && next !== 'zh-Hans') {
    try {
      DICTS[next] = await LOADERS[next]();
    } catch (err) {
      console.warn(`the words of ${next} could not be loaded`, err);
      return;
    }
  }
  lang = next;
  words++;
  localStorage.setItem('fair.lang', next);
  document.documentElement.lang = LOCALES[next];
  for (const fn of listeners) fn();
}

/** Changes whenever the words on the pages may: a new language, or the fair's terms read (what a
 * memo of drawn text depends on). */
export function wordsVersion(): number { return words; }

export function onLang(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A product's (or another thing's) name in the reader's language: the English one in English
 * when there is one, else the Chinese. */
export function nameOf(x: { name: string; name_en?: string | null }): string {
  return lang === 'en' && x.name_en ? x.name_en : x.name;
}

// the brand's English names of the colours and categories of the fair open
let terms: Terms = { colors: {}, categories: {} };

/** The fair's terms, once read (the pages draw again, as for a new language). */
export function setTerms(next: Terms): void {
  terms = next;
  words++;
  for (const fn of listeners) fn();
}

/** A colour (黑色) in the reader's language: the brand's English name in English when it gave one. */
export function colorName(color: string): string {
  return lang === 'en' ? terms.colors[color] ?? color : color;
}

/** A category (外套) in the reader's language, as colorName. */
export function categoryName(category: string): string {
  return lang === 'en' ? terms.categories[category] ?? category : category;
}

/** A page the server draws (the printable confirmation, the share card) in the reader's language:
 * url with lang= added. */
export function withLang(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** The text for key, with {name} placeholders filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return (DICTS[lang] ?? zhHans)[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** Amount in minor units, in the fair's currency, with the locale's separators. */
// Intl formatters are slow to make (a catalog of cards asks for hundreds a render): one per
// language and kind, dropped when the language changes
const formats = new Map<string, Intl.NumberFormat>();
function format(kind: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  const key = `${lang}|${kind}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = make()));
  return f;
}

function moneyFormat(currency: string): Intl.NumberFormat {
  return format(`m:${currency}`, () => new Intl.NumberFormat(locale(), { style: 'currency', currency }));
}

/** Minor units to the currency's units (fen to yuan: 2 digits). */
function major(minor: number, currency: string): number {
  return minor / 10 ** (moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2);
}

/** Minor units as plain digits to edit in a field (1011.5 for 101150 fen), parseMoney's input. */
export function moneyInput(minor: number, currency: string): string {
  return String(major(minor, currency));
}

export function money(minor: number, currency: string): string {
  return moneyFormat(currency).format(major(minor, currency));
}

/** An amount typed by staff ("1,011.5", "¥1011.50") in the currency's minor units; null when it
 * is not a plain amount with at most the currency's decimals. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  const s = text.replace(/[,，\s¥￥$€£]/g, '');
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(s);
  if (!m || (m[2] ?? '').length > digits || m[1].length + digits > 15) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || '0');
}

export function number(n: number): string {
  return format('n', () => new Intl.NumberFormat(locale())).format(n);
}

/** A percentage given in basis points (300: "3%", 250: "2.5%"). */
export function percent(bp: number): string {
  return format('pct', () => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 2 })).format(bp / 10000);
}

/** A date and time in the fair's zone (the zone is labelled once per page by zoneLabel). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(kind: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${kind}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale(), { timeZone, hourCycle: 'h23', ...options })));
  return f;
}

export function dateTime(iso: string, timeZone: string): string {
  return dateFormat('dt', timeZone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(new Date(iso));
}

export function time(iso: string, timeZone: string): string {
  return dateFormat('t', timeZone, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

/** "Asia/Shanghai (UTC+8)": the zone's name and its offset at that moment. */
export function zoneLabel(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(at);
  const off = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', 'UTC') ?? '';
  return `${timeZone} (${off === 'UTC' ? 'UTC+0' : off})`;
}

/** A duration as "2 d 03:04:05" style text, for countdowns. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, '0')).join(':');
  if (!d) return hms;
  return lang === 'en' ? `${d} d ${hms}` : `${d} 天 ${hms}`;
}

/** An order's lines refused by the fair's rules (PROTOCOL.md, order.place: bad_request with a
 * `reason`), in words; null for another refusal. `name` is the product's name when the page
 * knows it. */
export function ruleText(d: Record<string, unknown>, name?: string): string | null {
  const product = name ?? (typeof d.product === 'number' ? t('product_n', { id: d.product }) : '');
  const n = (x: unknown) => number(Number(x ?? 0));
  switch (d.reason) {
    case 'moq': return t('bad_moq_had', { name: product, n: n(d.moq), q: n(d.qty) });
    case 'pack': {
      const pack = d.pack && typeof d.pack === 'object' ? Object.entries(d.pack as Record<string, number>) : [];
      return t('bad_pack', { name: product, color: String(d.color ?? ''), p: pack.map(([s, k]) => `${s}×${k}`).join(' ') });
    }
    case 'withdrawn': return t('bad_withdrawn', { name: product });
    case 'not_offered': return t('bad_not_offered');
    default: return null;
  }
}

/** A protocol error in words, with the server's message where it adds the detail. */
export function errorText(e: { code?: string; message?: string; lost?: boolean } | null | undefined): string {
  if (!e) return '';
  if (e.lost) return t('err_lost');
  // a FairError keeps the error's fields in details; a plain one has them itself
  const d = ((e as { details?: Record<string, unknown> }).details ?? e) as Record<string, unknown>;
  if (e.code === 'bad_request') {
    const rule = ruleText(d);
    if (rule) return rule;
  }
  if (e.code === 'limit_exceeded' && typeof d.limit === 'number') {
    const name = typeof d.product === 'number' ? t('product_n', { id: d.product }) : '';
    return t('bad_limit', { name, n: number(d.limit), o: number(Number(d.ordered ?? 0)),
      r: number(Math.max(0, d.limit - Number(d.ordered ?? 0))) });
  }
  if (e.code === 'conflict' && typeof d.order === 'number' && d.status === undefined) return t('key_taken', { order: d.order });
  const key = `err_${e.code ?? 'internal'}` as Key;
  return key in zhHans ? t(key, { m: e.message ?? '' }) : (e.message ?? t('err_internal'));
}

/** Large amounts as people read them: ¥74.9万 in Chinese, ¥749K in English. */
export function compactMoney(minor: number, currency: string): string {
  return format(`c:${currency}`, () => new Intl.NumberFormat(locale(), {
    style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1,
  })).format(major(minor, currency));
}
