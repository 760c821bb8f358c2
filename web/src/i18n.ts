// The pages' words in Simplified Chinese (the default), Traditional Chinese and English, the
// choice remembered in this browser; money and times by Intl in the fair's currency and zone.
export type Lang = 'zh-Hans' | 'zh-Hant' | 'en';
export const LANGS: { id: Lang; label: string }[] = [
  { id: 'zh-Hans', label: '简体中文' },
  { id: 'zh-Hant', label: '繁體中文' },
  { id: 'en', label: 'English' },
];

const zhHans = {
  app_name: '网络订货会',
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
  bad_limit: '{name} 每店限购 {n} 件（已订 {o} 件）',
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
};
type Dict = typeof zhHans;
export type Key = keyof Dict;

const zhHant: Dict = {
  app_name: '網絡訂貨會', lang: '語言', log_in: '登入', log_out: '登出', login: '帳號', password: '密碼',
  wrong_login: '帳號或密碼錯誤', too_many_attempts: '嘗試次數過多，請稍後再試', server_busy: '伺服器忙碌，請重試',
  new_password_title: '設定新密碼', new_password_why: '您的帳號使用的是臨時密碼：請設定自己的密碼後繼續。',
  current_password: '目前密碼', new_password: '新密碼（至少 8 個字元）', save: '儲存',
  wrong_current_password: '目前密碼錯誤', conn_connecting: '連線中…', conn_live: '已連線',
  conn_reconnecting: '重新連線中…', conn_offline: '離線', conn_too_many: '連線過多：請關閉其他視窗', conn_logged_out: '已登出', fairs: '訂貨會',
  no_fairs: '暫無訂貨會', live_now: '進行中', upcoming: '即將開始', closed_fairs: '已結束',
  status_scheduled: '未開始', status_live: '進行中', status_paused: '已暫停', status_closed: '已結束',
  opens_in: '距開始 {t}', closes_in: '距結束 {t}', enter_fair: '進入訂貨會', my_orders: '我的訂單',
  time_in_zone: '時區：{zone}', qty: '數量', amount: '金額', room: '直播間', catalog: '商品', sheet: '訂貨單', lobby: '大廳',
  search: '搜尋商品', search_placeholder: '款號、名稱…', all_categories: '全部分類', sort: '排序',
  sort_default: '預設', sort_hot: '熱銷', sort_new: '最新', sort_price_asc: '價格由低到高',
  sort_price_desc: '價格由高到低', sort_name: '名稱', results: '共 {n} 件', loading: '載入中…',
  load_more: '載入更多', nothing_found: '沒有找到商品', recommended: '為您推薦', must_order: '必訂',
  flash: '限時價', low_stock: '庫存緊張', sold_out: '已售罄', left: '剩 {n}', my_price: '我的價格',
  base_price: '原價', moq: '起訂 {n} 件', limit: '每店限購 {n} 件', pack: '配碼：{p}', packs_of: '每手 {n} 件',
  size: '尺碼', color: '顏色', qty_cell: '{color} {size} 數量', packs_cell: '{color} 手數', packs_left: '剩 {n} 手', row_total: '合計',
  col_total: '合計', units: '{n} 件',
  back: '返回', sheet_empty: '訂貨單是空的：在商品頁填寫尺碼和顏色。',
  sheet_saved: '已儲存到伺服器 {t}', sheet_saving: '儲存中…', sheet_offline: '離線：已存在本機，連線後同步',
  total_units: '總件數', total_amount: '總金額', submit_order: '提交訂單', submitting: '提交中…',
  remove: '刪除', note: '備註', accepted: '訂單已提交：{id} 號', print: '列印確認單', take_left: '只訂剩餘的',
  join_waitlist: '加入候補', change_qty: '修改數量', short_title: '庫存不足，以下尺碼只剩：',
  waitlisted: '已加入候補：第 {n} 位', waiting_offline: '等待連線：訂單（編號 {key}）尚未送出',
  send_now: '現在提交', discard: '放棄', retrying: '答覆遺失，正在用同一編號重試…', orders_empty: '還沒有訂單',
  order_no: '訂單 {id}', status_accepted: '已接單', status_reviewed: '已審核', status_shipped: '已出貨',
  status_in_transit: '運送中', status_delivered: '已簽收', status_rejected: '已拒絕', status_cancelled: '已取消',
  cancel_order: '取消訂單', cancel_confirm: '確定取消訂單 {id}？',
  amend_order: '修改訂單', amend_title: '修改訂單 {id}', amend_send: '提交修改', amend_discard: '放棄修改',
  amend_accepted: '訂單 {id} 已修改', amend_prices: '按現價計算；原合計 {amount}',
  amend_bad_qty: '數量要填 0 到 100000 的整數', amend_empty: '至少保留一行；都不要了請取消訂單',
  amend_unchanged: '還沒有修改', amend_over: '修改後多出 {amount}，超過可用額度 {left}：提交會被拒絕',
  amend_short_title: '庫存不足，本單以下尺碼最多可訂：', amend_take_left: '改成可訂數量',
  amend_retrying: '答覆遺失，正在重新送出同樣的修改…', status_changed: '訂單已是「{status}」，不能再修改',
  note_amended: '已修改',
  qty_line: '{name} {color} {size} 數量', new_total: '新合計', removed: '已刪除', restore: '恢復',
  credit_limit: '信用額度 {amount}', credit_open: '未完成訂單 {amount}', credit_left: '可用額度',
  credit_none: '沒有信用額度：訂單會被拒絕，請聯絡業務代表', credit_over: '本單 {amount} 超過可用額度 {left}：提交會被拒絕',
  credit_refused: '超過可用額度：訂單 {total}，可用 {left}',
  amend_credit_refused: '超過可用額度：修改後多出 {amount}，可用額度 {left}',
  tracking: '{carrier} 運單號 {no}', share_card: '分享卡', placed_at: '下單時間', spotlight: '正在講解',
  live_video: '直播', video_live: '直播中', tap_for_sound: '點按開啟聲音', stream_ended: '直播已結束',
  video_failed: '影片暫時無法播放，正在重試…', replay: '直播回放', replay_pick: '選擇場次',
  replay_of: '{at} 開播，時長 {t}', chapters: '講解商品', chapter_now: '正在回放：{name}',
  no_spotlight: '主持人還沒有展示商品', order_this: '訂這款', presenter: '主講：{name}', qa: '問答', ask: '提問',
  ask_placeholder: '向業務代表提問…', ask_about: '關於：{name}', send: '送出',
  answered_privately: '私下回覆', awaiting_answer: '等待回覆', faq: '常見問題', attainment: '指標達成',
  faq_pinned: '置頂', fair_faq: '本場常見問題', mark_faq: '設為常見問題', unmark_faq: '取消常見問題',
  placed_on_behalf: '由 {name} 代下單',
  target: '目標 {amount}', ordered: '已訂 {amount}', missing_styles: '還缺必訂款：', all_must_ordered: '必訂款已全部下單',
  new_item: '新品上架：{name}', withdrawn: '已下架', fair_paused: '訂貨會已暫停：暫時不能下單',
  fair_closed: '訂貨會已結束', fair_scheduled: '訂貨會尚未開始',
  err_bad_request: '請求有誤：{m}', err_unauthorized: '請先登入', err_forbidden: '沒有權限', err_not_found: '找不到',
  err_fair_not_live: '訂貨會現在不接受訂單', err_insufficient_stock: '庫存不足', err_limit_exceeded: '超過每店限購數量',
  err_credit_exceeded: '超過可用額度', err_conflict: '操作衝突：{m}', err_rate_limited: '操作太頻繁，請稍候',
  err_too_large: '內容太長', err_unavailable: '伺服器暫時無法使用，請重試', err_in_doubt: '結果未知：正在用同一編號重試',
  err_internal: '伺服器出錯', err_lost: '連線中斷，答覆遺失', bad_moq: '{name} 至少要訂 {n} 件',
  bad_limit: '{name} 每店限購 {n} 件（已訂 {o} 件）',
  language_switch: '切換語言',
  offline_copy: '離線：顯示的是 {time} 儲存在本機的內容，連線後自動更新',
  console: '控制台', items_list: '本場商品', search_items: '搜尋款號或名稱',
  shortcuts: '快捷鍵：↑/↓ 或 J/K 選擇商品，Enter 設為講解', sold_n: '已訂 {n}', preview: '經銷商看到的直播間',
  spotlight_note: '講解備註（經銷商可見）', spotlight_set: '設為講解', price_for: '價格適用於', all_tiers: '所有等級',
  tier_n: '{t} 級', new_price: '新價格（元）', price_edit: '改價', price_was: '現價 {old}', flash_price: '限時價（元）',
  flash_start: '開始（留空為立即）', flash_minutes: '持續分鐘', flash_apply: '開始限時價', withdraw: '下架', launch: '上架',
  done_spotlight: '已設為講解：{name}', done_price: '{who}價格已改為 {price}', done_flash: '限時價 {price}，至 {end}',
  done_withdraw: '{name} 已下架', done_launch: '{name} 已上架', bad_money: '請輸入金額，例如 1011.00',
  bad_minutes: '持續時間為 1 到 1440 分鐘', queue: '提問佇列', queue_empty: '沒有待回答的問題', claim: '認領',
  claimed_by_me: '我已認領', claimed_by_other: '{name} 已認領', someone: '其他銷售', answer_placeholder: '回答…',
  answer_public: '公開回答', answer_private: '私下回答', hide: '隱藏', hide_confirm: '隱藏這則訊息？所有人都將看不到它。',
  answered_n: '已回答（{n}）', general_question: '一般問題',
  dashboard: '數據看板', big_screen: '數據大屏', report_csv: '下載訂單報表（CSV）', kpi_amount: '訂貨金額',
  kpi_orders: '訂單數', kpi_units: '訂貨件數', kpi_dealers: '下單經銷商', kpi_online: '在線經銷商', kpi_target: '目標完成',
  updated_at: '更新於 {t}', chart_per_minute: '每分鐘訂貨', chart_top_products: '商品訂貨件數 TOP 20',
  chart_sell_through: '售罄率 TOP 20', chart_by_region: '各區域訂貨金額', chart_by_tier: '各等級訂貨金額',
  ranking_dealers: '經銷商訂貨排名', dealers_behind: '距目標最遠的經銷商', regions_attainment: '區域目標完成',
  dealer: '經銷商', region: '區域', no_dealer_targets: '還沒有給經銷商設目標',
  chart_by_category: '各品類訂貨金額', chart_must_order: '必訂款完成情況', no_must_order: '本場沒有必訂款',
  must_complete: '{of} 家下單經銷商中 {n} 家已訂齊全部 {styles} 個必訂款', dealers_ordered: '已訂經銷商數',
  processing: '訂單處理', queue_open: '未完成的訂單', status_filter: '按狀態篩選',
  queue_after_fair: '訂貨會結束後才能處理訂單（進行中的訂單還可能被修改）', queue_none: '沒有訂單', prio_normal: '普通',
  prio_high: '優先', prio_urgent: '加急', priority: '優先級', key_dealer: '重點經銷商', warehouse: '發貨倉：{w}',
  held: '待人工審核：{why}', review_note: '審核備註（拒絕時必填）', approve: '審核通過', reject: '拒絕',
  reject_needs_note: '拒絕需要寫明原因', reject_confirm: '拒絕訂單 {id}？其數量將退回本場配額。', carrier: '承運商',
  tracking_no: '運單號', ship: '發貨', mark_in_transit: '標記為運輸中', mark_delivered: '標記為已簽收',
  manage: '設定與日誌', targets: '訂貨指標', target_for: '指標對象', dealer_id: '經銷商編號', target_amount: '金額（元）',
  target_units: '件數（可選）', bad_units: '件數要填不小於 0 的整數', bad_dealer_id: '經銷商編號是一個數字',
  target_saved: '{who} 的指標已設為 {amount}', must_order_styles: '必訂款', reports: '報表與圖片',
  chart_png_units_by_product: '圖：商品訂貨件數', chart_png_amount_per_minute: '圖：每分鐘訂貨金額',
  chart_png_by_region: '圖：各區域訂貨金額', chart_png_sell_through: '圖：售罄率', audit_log: '操作日誌',
  audit_action: '操作', audit_all: '全部操作', audit_filter: '按人、對象或內容篩選', refresh: '重新整理',
  audit_when: '時間', audit_who: '操作人', audit_target: '對象', audit_change: '變更', audit_count: '顯示 {n} 筆，共 {all} 筆',
  product: '商品', behalf_title: '代客下單：{name}', behalf_pick: '選擇商品', behalf_lines: '本單明細',
  behalf_submit: '為 {name} 提交訂單', behalf_accepted: '已為 {name} 提交訂單 {id} 號', order_for: '代客下單',
  behalf_forbidden: '{name} 不在您負責的區域，不能代其下單',
  dealers: '經銷商', dealers_total: '共 {n} 家', sort_behind: '離目標最遠', sort_amount: '訂貨金額', online_only: '只看在線',
  online_now: '在線', offline_now: '離線', page_n: '第 {n} / {of} 頁', none: '無',
};

const en: Dict = {
  app_name: 'Online trade fair', lang: 'Language', log_in: 'Log in', log_out: 'Log out', login: 'Login',
  password: 'Password', wrong_login: 'Wrong login or password', too_many_attempts: 'Too many attempts: wait a few minutes',
  server_busy: 'The server is busy: try again', new_password_title: 'Choose a new password',
  new_password_why: 'Your account has a temporary password: choose your own to continue.',
  current_password: 'Current password', new_password: 'New password (8+ characters)', save: 'Save',
  wrong_current_password: 'The current password is wrong', conn_connecting: 'Connecting…', conn_live: 'Connected',
  conn_reconnecting: 'Reconnecting…', conn_offline: 'Offline', conn_too_many: 'Too many connections: close other windows', conn_logged_out: 'Logged out', fairs: 'Fairs',
  no_fairs: 'No fairs yet', live_now: 'Live now', upcoming: 'Upcoming', closed_fairs: 'Closed',
  status_scheduled: 'Scheduled', status_live: 'Live', status_paused: 'Paused', status_closed: 'Closed',
  opens_in: 'Opens in {t}', closes_in: 'Closes in {t}', enter_fair: 'Enter the fair', my_orders: 'My orders',
  time_in_zone: 'Time zone: {zone}', qty: 'Quantity', amount: 'Amount', room: 'Live room', catalog: 'Products', sheet: 'Order sheet', lobby: 'Lobby',
  search: 'Search products', search_placeholder: 'Style, name…', all_categories: 'All categories', sort: 'Sort',
  sort_default: 'Default', sort_hot: 'Best selling', sort_new: 'Newest', sort_price_asc: 'Price: low to high',
  sort_price_desc: 'Price: high to low', sort_name: 'Name', results: '{n} products', loading: 'Loading…',
  load_more: 'Load more', nothing_found: 'No products found', recommended: 'Recommended for you',
  must_order: 'Must order', flash: 'Flash price', low_stock: 'Low stock', sold_out: 'Sold out', left: '{n} left',
  my_price: 'My price', base_price: 'List price', moq: 'Minimum {n} units', limit: 'Limit {n} units per dealer',
  pack: 'Pack: {p}', packs_of: '{n} units a pack', size: 'Size', color: 'Colour', qty_cell: '{color} {size} quantity',
  packs_cell: '{color} packs', packs_left: '{n} packs left', row_total: 'Total', col_total: 'Total', units: '{n} units',
  back: 'Back', sheet_empty: 'The order sheet is empty: fill in sizes and colours on a product.',
  sheet_saved: 'Saved on the server {t}', sheet_saving: 'Saving…', sheet_offline: 'Offline: kept in this browser, saved when back online',
  total_units: 'Units', total_amount: 'Amount', submit_order: 'Place order', submitting: 'Placing…', remove: 'Remove',
  note: 'Note', accepted: 'Order placed: number {id}', print: 'Print confirmation', take_left: 'Take what is left',
  join_waitlist: 'Join the waitlist', change_qty: 'Change quantities', short_title: 'Not enough stock; what is left:',
  waitlisted: 'On the waitlist: position {n}', waiting_offline: 'Waiting for the connection: order (key {key}) not sent yet',
  send_now: 'Place it now', discard: 'Discard', retrying: 'The answer was lost: retrying with the same key…',
  orders_empty: 'No orders yet', order_no: 'Order {id}', status_accepted: 'Accepted', status_reviewed: 'Reviewed',
  status_shipped: 'Shipped', status_in_transit: 'In transit', status_delivered: 'Delivered', status_rejected: 'Rejected',
  status_cancelled: 'Cancelled', cancel_order: 'Cancel order', cancel_confirm: 'Cancel order {id}?',
  amend_order: 'Change order', amend_title: 'Change order {id}', amend_send: 'Send changes',
  amend_discard: 'Discard changes', amend_accepted: 'Order {id} changed', amend_prices: 'At today\'s prices; was {amount}',
  amend_bad_qty: 'Quantities are whole numbers from 0 to 100000',
  amend_empty: 'Keep at least one line; to drop them all, cancel the order', amend_unchanged: 'Nothing changed yet',
  amend_over: 'The change adds {amount}, more than your credit left ({left}): it will be refused',
  amend_short_title: 'Not enough stock; this order can have at most:', amend_take_left: 'Change to what is there',
  amend_retrying: 'The answer was lost: sending the same change again…',
  status_changed: 'The order is now {status}: it can no longer be changed', note_amended: 'changed',
  qty_line: '{name} {color} {size} quantity', new_total: 'New total', removed: 'Removed',
  restore: 'Restore', credit_limit: 'Credit limit {amount}', credit_open: 'Open orders {amount}',
  credit_left: 'Credit left', credit_none: 'No credit: orders will be refused; ask your sales rep',
  credit_over: 'This order ({amount}) is more than your credit left ({left}): it will be refused',
  credit_refused: 'Over your credit: the order comes to {total}, {left} left',
  amend_credit_refused: 'Over your credit: the change adds {amount}, {left} left',
  tracking: '{carrier} tracking {no}', share_card: 'Share card', placed_at: 'Placed', spotlight: 'In the spotlight',
  live_video: 'Live video', video_live: 'Live', tap_for_sound: 'Tap for sound',
  stream_ended: 'The live video has ended', video_failed: 'The video cannot play right now; retrying…',
  replay: 'Replay', replay_pick: 'Session', replay_of: 'Began {at}, {t} long', chapters: 'Products shown',
  chapter_now: 'Now in the replay: {name}',
  no_spotlight: 'Nothing in the spotlight yet', order_this: 'Order this', presenter: 'Presenting: {name}', qa: 'Q&A',
  ask: 'Ask', ask_placeholder: 'Ask the sales reps…', ask_about: 'About: {name}',
  send: 'Send', answered_privately: 'Answered privately', awaiting_answer: 'Awaiting an answer', faq: 'FAQ',
  faq_pinned: 'Pinned', fair_faq: 'This fair\'s FAQ', mark_faq: 'Mark as FAQ', unmark_faq: 'Unmark FAQ',
  placed_on_behalf: 'Placed for you by {name}',
  attainment: 'Target', target: 'Target {amount}', ordered: 'Ordered {amount}', missing_styles: 'Must-order styles still missing:',
  all_must_ordered: 'Every must-order style is ordered', new_item: 'New: {name}', withdrawn: 'Withdrawn',
  fair_paused: 'The fair is paused: orders wait', fair_closed: 'The fair is closed', fair_scheduled: 'The fair has not opened yet',
  err_bad_request: 'Not accepted: {m}', err_unauthorized: 'Please log in',
  err_forbidden: 'Not allowed', err_not_found: 'Not found', err_fair_not_live: 'The fair is not taking orders now',
  err_insufficient_stock: 'Not enough stock', err_limit_exceeded: 'Over the per-dealer limit',
  err_credit_exceeded: 'Over your credit limit', err_conflict: 'Conflict: {m}', err_rate_limited: 'Too fast: wait a moment',
  err_too_large: 'Too long', err_unavailable: 'The server is unavailable: try again',
  err_in_doubt: 'Outcome unknown: retrying with the same key', err_internal: 'Server error',
  err_lost: 'The connection dropped before the answer', bad_moq: '{name}: at least {n} units',
  bad_limit: '{name}: at most {n} units per dealer ({o} ordered)',
  language_switch: 'Language',
  offline_copy: 'Offline: showing what this device saved at {time}; it updates when the connection is back',
  console: 'Console', items_list: 'Items', search_items: 'Search style or name',
  shortcuts: 'Keys: ↑/↓ or J/K pick an item, Enter puts it in the spotlight', sold_n: '{n} sold',
  preview: 'What dealers see', spotlight_note: 'Note for the dealers', spotlight_set: 'Put in spotlight',
  price_for: 'Price for', all_tiers: 'All tiers', tier_n: 'Tier {t}', new_price: 'New price (yuan)',
  price_edit: 'Change price', price_was: 'Now {old}', flash_price: 'Flash price (yuan)',
  flash_start: 'Starts (empty: now)', flash_minutes: 'Minutes', flash_apply: 'Start flash price',
  withdraw: 'Withdraw', launch: 'Launch', done_spotlight: 'In the spotlight: {name}',
  done_price: '{who}: the price is now {price}', done_flash: 'Flash price {price} until {end}',
  done_withdraw: '{name} is withdrawn', done_launch: '{name} is on sale', bad_money: 'Enter an amount, e.g. 1011.00',
  bad_minutes: 'From 1 to 1440 minutes', queue: 'Questions', queue_empty: 'No open questions', claim: 'Claim',
  claimed_by_me: 'Claimed by me', claimed_by_other: 'Claimed by {name}', someone: 'another rep',
  answer_placeholder: 'Answer…', answer_public: 'Answer publicly', answer_private: 'Answer privately',
  hide: 'Hide', hide_confirm: 'Hide this message from everyone?', answered_n: 'Answered ({n})',
  general_question: 'General',
  dashboard: 'Dashboard', big_screen: 'Big screen', report_csv: 'Download the orders (CSV)', kpi_amount: 'Amount',
  kpi_orders: 'Orders', kpi_units: 'Units', kpi_dealers: 'Dealers who ordered', kpi_online: 'Dealers online',
  kpi_target: 'Of target', updated_at: 'Updated {t}', chart_per_minute: 'Orders per minute',
  chart_top_products: 'Top 20 products by units', chart_sell_through: 'Top 20 sell-through',
  chart_by_region: 'Amount by region', chart_by_tier: 'Amount by tier', ranking_dealers: 'Dealers by amount',
  dealers_behind: 'Furthest behind their targets', regions_attainment: 'Regions against targets',
  dealer: 'Dealer', region: 'Region', no_dealer_targets: 'No dealer has a target yet',
  chart_by_category: 'Amount by category', chart_must_order: 'Must-order styles', no_must_order: 'This fair has no must-order style',
  must_complete: '{n} of the {of} dealers who ordered have all {styles} must-order styles', dealers_ordered: 'Dealers who ordered it',
  processing: 'Processing', queue_open: 'Orders not finished', status_filter: 'Filter by status',
  queue_after_fair: 'Orders are processed once the fair has closed (while it is live they can still change)',
  queue_none: 'No orders', prio_normal: 'Normal', prio_high: 'High', prio_urgent: 'Urgent', priority: 'Priority',
  key_dealer: 'Key dealer', warehouse: 'Warehouse: {w}', held: 'Held for a person: {why}',
  review_note: 'Note (needed to reject)', approve: 'Approve', reject: 'Reject',
  reject_needs_note: 'Say why the order is rejected', reject_confirm: 'Reject order {id}? Its units go back to the fair.',
  carrier: 'Carrier', tracking_no: 'Tracking number', ship: 'Ship', mark_in_transit: 'Mark in transit',
  mark_delivered: 'Mark delivered',
  manage: 'Settings and log', targets: 'Order targets', target_for: 'Target for', dealer_id: 'Dealer id',
  target_amount: 'Amount (yuan)', target_units: 'Units (optional)', bad_units: 'Units: a whole number from 0',
  bad_dealer_id: 'A dealer id is a number', target_saved: 'The target of {who} is now {amount}',
  must_order_styles: 'Must-order styles', reports: 'Reports and pictures',
  chart_png_units_by_product: 'Chart: units by product', chart_png_amount_per_minute: 'Chart: amount per minute',
  chart_png_by_region: 'Chart: amount by region', chart_png_sell_through: 'Chart: sell-through', audit_log: 'Audit log',
  audit_action: 'Action', audit_all: 'All actions', audit_filter: 'Filter by who, target or content', refresh: 'Refresh',
  audit_when: 'When', audit_who: 'Who', audit_target: 'Target', audit_change: 'Change', audit_count: '{n} shown of {all}',
  product: 'Product', behalf_title: 'Ordering for {name}', behalf_pick: 'Pick a product', behalf_lines: 'This order',
  behalf_submit: 'Place the order for {name}', behalf_accepted: 'Order {id} placed for {name}', order_for: 'Order for them',
  behalf_forbidden: '{name} is outside your regions: you cannot order for it',
  dealers: 'Dealers', dealers_total: '{n} dealers', sort_behind: 'Furthest behind', sort_amount: 'Amount ordered',
  online_only: 'Online only', online_now: 'Online', offline_now: 'Offline', page_n: 'Page {n} of {of}', none: 'None',
};

const DICTS: Record<Lang, Dict> = { 'zh-Hans': zhHans, 'zh-Hant': zhHant, en };
const LOCALES: Record<Lang, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB' };

function initialLang(): Lang {
  const saved = localStorage.getItem('fair.lang');
  return saved === 'zh-Hant' || saved === 'en' || saved === 'zh-Hans' ? saved : 'zh-Hans';
}

let lang: Lang = initialLang();
const listeners = new Set<() => void>();

export function currentLang(): Lang { return lang; }
export function locale(): string { return LOCALES[lang]; }

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('fair.lang', next);
  document.documentElement.lang = LOCALES[next];
  for (const fn of listeners) fn();
}

export function onLang(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The text for key, with {name} placeholders filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return DICTS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
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

/** A protocol error in words, with the server's message where it adds the detail. */
export function errorText(e: { code?: string; message?: string; lost?: boolean } | null | undefined): string {
  if (!e) return '';
  if (e.lost) return t('err_lost');
  const key = `err_${e.code ?? 'internal'}` as Key;
  return key in zhHans ? t(key, { m: e.message ?? '' }) : (e.message ?? t('err_internal'));
}

/** Large amounts as people read them: ¥74.9万 in Chinese, ¥749K in English. */
export function compactMoney(minor: number, currency: string): string {
  return format(`c:${currency}`, () => new Intl.NumberFormat(locale(), {
    style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1,
  })).format(major(minor, currency));
}
