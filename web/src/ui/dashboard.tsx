// The manager's live dashboard (manager, admin; reps may look) and its big-screen mode
// (数据大屏): the fair's totals counting up, orders and amount per minute, units and
// sell-through by product, amount by region and tier, rankings of dealers and regions, the
// dealers furthest behind their targets; charts by Apache ECharts that move without reload,
// fed by dashboard.watch and its `totals` pushes. Loaded as its own chunk: the dealers' pages
// never download ECharts.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { DashboardWatch, type DashboardData } from '../fair/dashboard';
import { categoryName, compactMoney, money, nameOf, number, t, time, wordsVersion, zoneLabel } from '../i18n';
import type { FairContext } from './app';
import { DiscountsPanel } from './discounts-panel';
import { useSubscription } from './hooks';
import { isManager } from './roles';

echarts.use([BarChart, LineChart, PieChart, AriaComponent, DatasetComponent, GridComponent, LegendComponent,
  TooltipComponent, CanvasRenderer]);

type Option = Parameters<echarts.ECharts['setOption']>[0];

/** One chart: created once, given new options as the figures change, resized with its box. */
function Chart({ option, label, dark, id }: { option: Option; label: string; dark: boolean; id: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => { ro.disconnect(); c.dispose(); chart.current = null; };
  }, [dark]);
  useEffect(() => {
    // tooltips drawn in the canvas: HTML tooltips carry inline styles the CSP refuses
    chart.current?.setOption({
      backgroundColor: 'transparent', aria: { enabled: true, label: { description: label } },
      tooltip: { trigger: 'axis', renderMode: 'richText' }, animationDurationUpdate: 600, ...option,
    });
  }, [option, dark]);
  return <div ref={el} class="chart" id={id} role="img" aria-label={label} />;
}

/** A number that counts up (or down) to its new value, as big screens do. */
function useCountUp(value: number, ms = 500): number {
  const [shown, setShown] = useState(value);
  const from = useRef(value);
  useEffect(() => {
    const start = performance.now();
    const a = from.current;
    let frame = 0;
    const step = (now: number) => {
      const k = Math.min(1, (now - start) / ms);
      const v = a + (value - a) * (1 - (1 - k) ** 3);
      from.current = v;
      setShown(v);
      if (k < 1) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [value]);
  return shown;
}

function Kpi({ label, value, format, id }: { label: string; value: number; format: (n: number) => string; id: string }) {
  const shown = useCountUp(value);
  return (
    <div class="kpi">
      <span class="kpi-label">{label}</span>
      <strong class="kpi-value" id={id} data-value={value}>{format(Math.round(shown))}</strong>
    </div>
  );
}

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);

export default function Dashboard({ ctx, big }: { ctx: FairContext; big: boolean }) {
  const { client, store, fair } = ctx;
  useSubscription(store);
  const watch = useMemo(() => new DashboardWatch(client, fair), [client, fair]);
  useSubscription(watch);
  useEffect(() => { watch.start(); return () => watch.stop(); }, [watch]);
  useEffect(() => {
    document.body.classList.toggle('bigscreen', big);
    const onKey = (e: KeyboardEvent) => { if (big && e.key === 'Escape') location.hash = `#/fair/${fair}/dashboard`; };
    addEventListener('keydown', onKey);
    return () => { document.body.classList.remove('bigscreen'); removeEventListener('keydown', onKey); };
  }, [big, fair]);

  const f = store.view.fair;
  const d = watch.data;
  const currency = f?.currency ?? 'CNY';
  const zone = f?.timezone ?? 'Asia/Shanghai';
  const words = wordsVersion(); // the charts' words change with the language and the fair's terms
  const options = useMemo(() => (d ? chartOptions(d, currency, zone, big) : null), [d, currency, zone, big, words]);
  if (!d || !options || !f) return <p class="muted">{watch.error ? t('err_unavailable') : t('loading')}</p>;

  const target = d.rankings.regions.reduce((s, r) => s + (r.target ?? 0), 0);
  const kpis = (
    <div class="kpis" id="kpis">
      <Kpi id="kpi-amount" label={t('kpi_amount')} value={d.totals.amount} format={(n) => money(n, currency)} />
      <Kpi id="kpi-orders" label={t('kpi_orders')} value={d.totals.orders} format={number} />
      <Kpi id="kpi-units" label={t('kpi_units')} value={d.totals.units} format={number} />
      <Kpi id="kpi-dealers" label={t('kpi_dealers')} value={d.totals.dealers} format={number} />
      <Kpi id="kpi-online" label={t('kpi_online')} value={d.online} format={number} />
      {target > 0 && (
        <div class="kpi">
          <span class="kpi-label">{t('kpi_target')}</span>
          <strong class="kpi-value">{pct(d.totals.amount / target)}</strong>
          <progress max={100} value={Math.min(100, (d.totals.amount / target) * 100)} aria-label={t('kpi_target')} />
          <span class="muted small">{compactMoney(target, currency)}</span>
        </div>
      )}
    </div>
  );

  if (big) {
    return (
      <section class="big-screen" id="bigscreen-view">
        <header class="big-head">
          <h1>{nameOf(f)}</h1>
          <span>{t('updated_at', { t: time(new Date(watch.updatedAt).toISOString(), zone) })} · {zoneLabel(zone)}</span>
        </header>
        {kpis}
        <div class="big-grid">
          <Chart id="chart-minute" dark option={options.perMinute} label={t('chart_per_minute')} />
          <Chart id="chart-products" dark option={options.products} label={t('chart_top_products')} />
          <Ranking d={d} currency={currency} />
        </div>
      </section>
    );
  }
  return (
    <section class="dashboard" id="dashboard-view">
      <div class="dash-head">
        <h1>{t('dashboard')}</h1>
        <span class="muted small" id="dash-updated">{t('updated_at', { t: time(new Date(watch.updatedAt).toISOString(), zone) })} · {zoneLabel(zone)}</span>
        <span class="spacer" />
        <a class="button" href={`#/fair/${fair}/bigscreen`} id="to-bigscreen">{t('big_screen')}</a>
        <a class="button" href={`/api/fairs/${fair}/report.csv`} id="report-csv" download>{t('report_csv')}</a>
      </div>
      {kpis}
      <div class="dash-grid">
        <section class="panel wide"><h2>{t('chart_per_minute')}</h2><Chart id="chart-minute" dark={false} option={options.perMinute} label={t('chart_per_minute')} /></section>
        <section class="panel"><h2>{t('chart_top_products')}</h2><Chart id="chart-products" dark={false} option={options.products} label={t('chart_top_products')} /></section>
        <section class="panel"><h2>{t('chart_sell_through')}</h2><Chart id="chart-sell" dark={false} option={options.sellThrough} label={t('chart_sell_through')} /></section>
        <section class="panel"><h2>{t('chart_by_region')}</h2><Chart id="chart-region" dark={false} option={options.byRegion} label={t('chart_by_region')} /></section>
        <section class="panel"><h2>{t('chart_by_tier')}</h2><Chart id="chart-tier" dark={false} option={options.byTier} label={t('chart_by_tier')} /></section>
        {d.by_category && <section class="panel"><h2>{t('chart_by_category')}</h2><Chart id="chart-category" dark={false} option={options.byCategory} label={t('chart_by_category')} /></section>}
        {d.must_order && <MustOrderPanel m={d.must_order} option={options.mustOrder} />}
        {isManager(ctx.user) && <DiscountsPanel client={client} fair={fair} currency={currency} changedAt={watch.updatedAt} />}
        <Ranking d={d} currency={currency} />
        <section class="panel">
          <h2>{t('dealers_behind')}</h2>
          <table class="rank" id="rank-behind">
            {!d.rankings.dealers_behind.length && <caption class="muted">{t('no_dealer_targets')}</caption>}
            <thead><tr><th scope="col">{t('dealer')}</th><th scope="col">{t('region')}</th><th scope="col" class="num">{t('kpi_target')}</th></tr></thead>
            <tbody>{d.rankings.dealers_behind.slice(0, 10).map((r) => (
              <tr><td>{r.name}</td><td>{r.region}</td><td class="num">{pct(r.ratio)} <span class="muted small">{compactMoney(r.ordered, currency)} / {compactMoney(r.target, currency)}</span></td></tr>
            ))}</tbody>
          </table>
        </section>
        <section class="panel">
          <h2>{t('regions_attainment')}</h2>
          <table class="rank" id="rank-regions">
            <thead><tr><th scope="col">{t('region')}</th><th scope="col" class="num">{t('kpi_amount')}</th><th scope="col" class="num">{t('kpi_target')}</th></tr></thead>
            <tbody>{d.rankings.regions.map((r) => (
              <tr><td>{r.region}</td><td class="num">{compactMoney(r.ordered, currency)}</td><td class="num">{pct(r.ratio)}</td></tr>
            ))}</tbody>
          </table>
        </section>
      </div>
    </section>
  );
}

/** Must-order compliance: how many of the dealers who ordered have every must-order style,
 * and per style how many dealers ordered it. */
function MustOrderPanel({ m, option }: { m: NonNullable<DashboardData['must_order']>; option: Option }) {
  return (
    <section class="panel" id="must-order">
      <h2>{t('chart_must_order')}</h2>
      {m.styles === 0 ? <p class="muted">{t('no_must_order')}</p> : (
        <>
          <p id="must-complete" data-complete={m.complete} data-dealers={m.dealers}>
            {t('must_complete', { n: number(m.complete), of: number(m.dealers), styles: number(m.styles) })}{' '}
            <strong>{pct(m.dealers ? m.complete / m.dealers : null)}</strong>
          </p>
          <Chart id="chart-must" dark={false} option={option} label={t('chart_must_order')} />
        </>
      )}
    </section>
  );
}

/** 订货排名: the dealers by amount. */
function Ranking({ d, currency }: { d: DashboardData; currency: string }) {
  return (
    <section class="panel ranking">
      <h2>{t('ranking_dealers')}</h2>
      <ol class="rank-list" id="rank-dealers">
        {d.top_dealers.map((r, i) => (
          <li data-dealer={r.dealer}>
            <span class="rank-no">{i + 1}</span>
            <span class="rank-name">{r.name}<span class="muted small"> · {r.region}</span></span>
            <strong class="num">{compactMoney(r.amount, currency)}</strong>
          </li>
        ))}
      </ol>
    </section>
  );
}

// one axis formatter per currency, not a new function per push (the big screen runs for hours)
const moneyAxis = new Map<string, (v: number) => string>();
function moneyAxisOf(currency: string): (v: number) => string {
  let f = moneyAxis.get(currency);
  if (!f) moneyAxis.set(currency, (f = (v: number) => compactMoney(v * 100, currency)));
  return f;
}

function chartOptions(d: DashboardData, currency: string, zone: string, big: boolean) {
  const yuan = (fen: number) => Math.round(fen) / 100;
  const font = big ? 18 : 12;
  const axisLabel = { fontSize: font };
  const top = d.by_product.slice(0, 20).sort((a, b) => b.units - a.units);
  const perMinute: Option = {
    legend: { data: [t('kpi_amount'), t('kpi_orders')], textStyle: { fontSize: font } },
    grid: { left: 75, right: 50, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: d.per_minute.map((m) => time(m.minute, zone).slice(0, 5)), axisLabel },
    yAxis: [
      { type: 'value', name: currency, axisLabel: { ...axisLabel, formatter: moneyAxisOf(currency) } },
      { type: 'value', name: t('kpi_orders'), axisLabel },
    ],
    series: [
      { name: t('kpi_amount'), type: 'bar', data: d.per_minute.map((m) => yuan(m.amount)) },
      { name: t('kpi_orders'), type: 'line', yAxisIndex: 1, smooth: true, data: d.per_minute.map((m) => m.orders) },
    ],
  };
  const products: Option = {
    grid: { left: big ? 220 : 140, right: 30, top: 10, bottom: 30 },
    xAxis: { type: 'value', axisLabel },
    yAxis: { type: 'category', inverse: true, data: top.map(nameOf), axisLabel },
    series: [{ name: t('kpi_units'), type: 'bar', data: top.map((p) => p.units), label: { show: big, position: 'right', fontSize: font } }],
  };
  const sell = [...d.by_product].sort((a, b) => b.sell_through - a.sell_through).slice(0, 20);
  const sellThrough: Option = {
    grid: { left: 140, right: 40, top: 10, bottom: 30 },
    xAxis: { type: 'value', max: 100, axisLabel: { ...axisLabel, formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: sell.map(nameOf), axisLabel },
    series: [{ name: t('chart_sell_through'), type: 'bar', data: sell.map((p) => Math.round(p.sell_through * 1000) / 10) }],
  };
  const byRegion: Option = {
    grid: { left: 75, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'category', data: d.by_region.map((r) => r.region), axisLabel },
    yAxis: { type: 'value', axisLabel: { ...axisLabel, formatter: moneyAxisOf(currency) } },
    series: [{ name: t('kpi_amount'), type: 'bar', data: d.by_region.map((r) => yuan(r.amount)) }],
  };
  const byTier: Option = {
    tooltip: { trigger: 'item', renderMode: 'richText' },
    series: [{
      name: t('kpi_amount'), type: 'pie', radius: ['40%', '70%'],
      data: d.by_tier.map((r) => ({ name: t('tier_n', { t: r.tier }), value: yuan(r.amount) })),
      label: { formatter: '{b} {d}%' },
    }],
  };
  const byCategory: Option = {
    tooltip: { trigger: 'item', renderMode: 'richText' },
    series: [{
      name: t('kpi_amount'), type: 'pie', radius: ['35%', '70%'],
      data: (d.by_category ?? []).map((r) => ({ name: categoryName(r.category), value: yuan(r.amount) })),
      label: { formatter: '{b} {d}%' },
    }],
  };
  const styles = d.must_order?.by_style ?? [];
  const mustOrder: Option = {
    grid: { left: 140, right: 40, top: 10, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1, axisLabel },
    yAxis: { type: 'category', inverse: true, data: styles.map(nameOf), axisLabel },
    series: [{ name: t('dealers_ordered'), type: 'bar', data: styles.map((x) => x.dealers_ordered) }],
  };
  return { perMinute, products, sellThrough, byRegion, byTier, byCategory, mustOrder };
}
