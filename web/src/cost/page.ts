/**
 * The cost page (web/pages/cost.html, built by web/build.ts as assets/cost.js): hosts, viewers, hours and resolution
 * tier in, participant hours and USD out, from the rate file; plus the seed README's three examples beside current
 * rates. The rate file is bundled (a JSON import), so the page works from any static host with no extra request.
 */
import pricingJson from '../../data/ivs-realtime-pricing.json' with { type: 'json' };
import { getLang, onLangChange, t } from '../i18n/index.js';
import { byId } from '../ui/dom.js';
import { initShell } from '../ui/shell.js';
import { Pricing, compareSeed, estimate, roundCents } from './estimate.js';

function usd(value: number, lang: string): string {
  // Sub-cent rates stay visible (0.072), totals show cents.
  const digits = value !== 0 && Math.abs(value) < 1 ? 3 : 2;
  return new Intl.NumberFormat(lang, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(value);
}

function num(value: number, lang: string): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(value);
}

function start(): void {
  initShell();
  const errorBox = byId('cost-error', HTMLElement);
  const parsed = Pricing.safeParse(pricingJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    errorBox.hidden = false;
    errorBox.textContent = t('cost.dataFailed', { detail: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
    return;
  }
  const pricing = parsed.data;
  const form = byId('cost-form', HTMLFormElement);
  const hosts = byId('cost-hosts', HTMLInputElement);
  const viewers = byId('cost-viewers', HTMLInputElement);
  const hours = byId('cost-hours', HTMLInputElement);
  const tier = byId('cost-tier', HTMLSelectElement);
  const free = byId('cost-free', HTMLInputElement);
  for (const tr of pricing.tiers) tier.append(new Option(tr.label, tr.id));
  // Through the CSSOM, not a style attribute: the site's CSP (style-src 'self') blocks inline style attributes.
  Object.assign(byId('cost-free-row', HTMLElement).style, { gridColumn: '1 / -1', alignItems: 'center', flexWrap: 'nowrap' });
  tier.value = pricing.defaultTier;

  const render = (): void => {
    const lang = getLang();
    byId('cost-free-label', HTMLElement).textContent = t('cost.freeTier', { hours: pricing.freeTier.participantHoursPerMonth });
    byId('cost-source', HTMLElement).textContent = t('cost.source', { source: pricing.source, date: pricing.recordedOn });
    const unverified = byId('cost-unverified', HTMLElement);
    unverified.hidden = pricing.ratesVerified;
    // The file's own note is for maintainers (English); the page says the same in the reader's language.
    unverified.textContent = pricing.ratesVerified ? '' : t('cost.unverified');

    // valueAsNumber is NaN for an empty or unparsable field; zod then names the field.
    const result = estimate(pricing, {
      hosts: hosts.valueAsNumber,
      viewers: viewers.valueAsNumber,
      hours: hours.valueAsNumber,
      tier: tier.value,
      applyFreeTier: free.checked,
    });
    const out = { ph: byId('cost-ph', HTMLElement), billable: byId('cost-billable', HTMLElement), rate: byId('cost-rate', HTMLElement), total: byId('cost-usd', HTMLElement) };
    if (!result.ok) {
      errorBox.hidden = false;
      const label = { hosts: t('cost.hosts'), viewers: t('cost.viewers'), hours: t('cost.hours'), tier: t('cost.tier') }[result.field] ?? result.field;
      errorBox.textContent = t('cost.invalid', { field: label, message: result.message });
      for (const o of Object.values(out)) o.textContent = '–';
    } else {
      errorBox.hidden = true;
      const e = result.estimate;
      out.ph.textContent = num(e.participantHours, lang);
      out.billable.textContent = num(e.billableHours, lang);
      out.rate.textContent = usd(e.tier.usdPerParticipantHour, lang);
      out.total.textContent = usd(roundCents(e.usd), lang);
      out.total.dataset['usd'] = String(roundCents(e.usd));
    }

    const tierLabel = pricing.tiers.find((x) => x.id === tier.value)?.label ?? tier.value;
    byId('cost-seed-intro', HTMLElement).textContent = t('cost.seedIntro', { seedRate: pricing.seed.usdPerParticipantHour });
    byId('cost-seed-now-head', HTMLElement).textContent = t('cost.col.now', { tier: tierLabel });
    const body = byId('cost-seed', HTMLTableElement).tBodies[0];
    body?.replaceChildren(
      ...compareSeed(pricing, tier.value).map((c) => {
        const row = document.createElement('tr');
        const cells = [
          t('cost.scenario', { hosts: c.example.hosts, viewers: c.example.viewers, hours: c.example.hours }),
          num(c.participantHours, lang),
          usd(c.example.usd, lang),
          usd(roundCents(c.currentUsd), lang),
          c.ratio === null ? '–' : `×${num(c.ratio, lang)}`,
        ];
        for (const text of cells) row.insertCell().textContent = text;
        return row;
      }),
    );
  };
  form.addEventListener('input', render);
  form.addEventListener('submit', (e) => e.preventDefault());
  onLangChange(render);
  render();
}

start();
