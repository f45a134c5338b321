import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { toCents } from './money';
import { api, persona, signIn, token } from './session';

// Exact decimals as BigInt at 10^-12, so no float touches the money.
const SCALE = 10n ** 12n;
function dec(text: string): bigint {
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const v = BigInt(whole) * SCALE + BigInt((frac + '0'.repeat(12)).slice(0, 12));
  return text.startsWith('-') ? -v : v;
}
const mul = (a: bigint, b: bigint) => (a * b) / SCALE;
/** Rounds to cents, half away from zero (the plan's rule), returning cents. */
function cents(v: bigint): bigint {
  const unit = SCALE / 100n;
  const sign = v < 0n ? -1n : 1n;
  const abs = v < 0n ? -v : v;
  return sign * ((abs + unit / 2n) / unit);
}

interface Tier { up_to?: string; rate: string }

/** Year-to-date earnings of a marginal tiered component with a cap as a multiple of quota. */
function marginal(measure: bigint, quota: bigint, tiers: Tier[], capMultiple?: string): bigint {
  let earned = 0n;
  let from = 0n;
  for (const t of tiers) {
    const to = t.up_to ? mul(dec(t.up_to), quota) : measure;
    const top = measure < to ? measure : to;
    if (top > from) earned += mul(top - from, dec(t.rate));
    from = to;
  }
  if (capMultiple) {
    const cap = mul(dec(capMultiple), quota);
    if (earned > cap) earned = cap;
  }
  return earned;
}

// A wealth rep asks "what if a £100,000 fee deal closes this month?". The browser recomputes
// the statement with the shared engine; the figure must match, to the cent, (1) the server's
// statement as it stands and (2) the plan's marginal tiers applied by hand to the server's own
// year-to-date figures.
test('rep what-if changes the projected payout and matches the engine to the cent', async ({ page, request }, testInfo) => {
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  const bearer = await token(request, rep);
  await signIn(page, rep);
  await page.getByRole('link', { name: 'What-if' }).click();
  await expect(page).toHaveURL(/\/whatif$/);

  const server = await api<any>(request, bearer, `/statements/${rep.person_id}`);
  const before = page.getByTestId('whatif-before');
  await expect(before).toBeVisible();
  expect(toCents((await before.getAttribute('data-amount'))!)).toBe(toCents(server.statement.total));

  const plan = await api<any>(request, bearer, `/plans/${server.statement.plan_id}/versions/${server.statement.plan_version}`);
  const component = plan.components.find((c: any) => c.type === 'tiered' && c.method === 'marginal' && c.measure.kinds.includes('fee_revenue'));
  expect(component, 'the rep is on a marginal fee-revenue plan').toBeTruthy();
  const line = server.statement.lines.find((l: any) => l.component_id === component.id);

  await page.getByLabel('Kind').selectOption('fee_revenue');
  await page.getByLabel(/^Amount/).fill('100000');
  const total = page.getByTestId('whatif-total');
  await expect(page.getByTestId('whatif-result')).toHaveAttribute('data-changes', '1');

  const quota = dec(line.quota);
  const was = cents(marginal(dec(line.measure_ytd), quota, component.tiers, component.cap_quota_multiple));
  const now = cents(marginal(dec(line.measure_ytd) + dec('100000'), quota, component.tiers, component.cap_quota_multiple));
  expect(was).toBe(toCents(line.earned_to_date));
  const expected = toCents(server.statement.total) + (now - was);
  expect(toCents((await total.getAttribute('data-amount'))!)).toBe(expected);
  expect(toCents((await page.getByTestId('whatif-delta').getAttribute('data-amount'))!)).toBe(now - was);
  expect(now - was).toBeGreaterThan(0n);
  await page.screenshot({ path: testInfo.outputPath('rep-whatif.png'), fullPage: true });

  // Recompute time in the browser: every keystroke is a recompute; collect twenty.
  const timings: number[] = [];
  for (let i = 1; i <= 20; i++) {
    await page.getByLabel(/^Amount/).fill(String(100000 + i * 1000));
    await expect(total).not.toHaveAttribute('data-amount', String(expected));
    timings.push(Number(await page.getByTestId('whatif-result').getAttribute('data-recompute-us')));
  }
  timings.sort((a, b) => a - b);
  let transactions = 0;
  let cursor = '';
  do {
    const chunk: any = await api<any>(request, bearer, `/people/${rep.person_id}/transactions?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    transactions += chunk.items.length;
    cursor = chunk.next ?? '';
  } while (cursor);
  const result = {
    transactions,
    median_us: timings[Math.floor(timings.length / 2)],
    max_us: timings[timings.length - 1],
    samples: timings.length,
  };
  console.log(`what-if recompute in the browser: ${JSON.stringify(result)}`);
  writeFileSync(testInfo.outputPath('whatif-timing.json'), JSON.stringify(result, null, 2));
  expect(result.median_us).toBeGreaterThan(0);

  // The growth slider and a moved date recompute too.
  await page.getByLabel(/AUM and flows/).fill('10');
  await expect(page.getByTestId('whatif-result')).toHaveAttribute('data-changes', '2');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath('rep-whatif-390.png'), fullPage: true });
});

test('rep performance shows the gauge, trend and payout curve, and deep links survive reload', async ({ page, request }, testInfo) => {
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  await signIn(page, rep);
  await page.getByRole('link', { name: 'Performance' }).click();
  await expect(page).toHaveURL(/\/performance$/);
  await expect(page.getByRole('meter')).toBeVisible();
  await expect(page.getByRole('img', { name: /payout|Earnings against attainment/i })).toBeVisible();
  await expect(page.getByText('You are here')).toBeVisible();
  await expect(page.getByTestId('coach-messages').or(page.getByText('No nudges this week.'))).toBeVisible();
  await page.reload();
  await expect(page.getByRole('meter')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('rep-performance.png'), fullPage: true });
});
