import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';
import { toCents } from './money';

// Leadership lands on the forecast: the pipeline engine's P10/P50/P90 range (the coach's risk
// route), drawn as a fan chart, with where the downside is concentrated and pipeline hygiene.
test('leadership sees the forecast range as a fan chart with the downside by account', async ({ page, request }, testInfo) => {
  const leader = await persona(request, (p) => p.role === 'leadership');
  await signIn(page, leader);
  await expect(page).toHaveURL(/\/forecast$/);
  const range = page.getByTestId('forecast-range');
  await expect(range).toBeVisible({ timeout: 30_000 });
  const [p10, p50, p90] = await Promise.all(
    ['data-p10', 'data-p50', 'data-p90'].map(async (a) => BigInt((await range.getAttribute(a))!)),
  );
  expect(p10).toBeLessThanOrEqual(p50);
  expect(p50).toBeLessThanOrEqual(p90);
  expect(p90).toBeGreaterThan(p10);
  await expect(page.getByRole('img', { name: /P10 to P90 range/ })).toBeVisible();
  await expect(page.getByRole('table', { name: /downside/ }).getByRole('row')).not.toHaveCount(1);
  await expect(page.getByTestId('hygiene')).toContainText('Flagged');

  // The downside reads by client and team name, as the API names them, not by id.
  const bearer = await token(request, leader);
  const risk = await api<any>(request, bearer, '/coach/risk');
  const shown = risk.forecasts[0];
  const top = shown.forecast.downside.accounts[0].account;
  const firstRow = page.getByRole('table', { name: /downside/ }).getByRole('row').nth(1);
  await expect(firstRow).toContainText(risk.names[top]);
  await expect(firstRow).toContainText(top);
  const team = shown.forecast.groups[0].group;
  await expect(page.getByRole('table', { name: 'Teams', exact: true })).toContainText(risk.names[team]);
  await expect(page.getByRole('table', { name: 'Teams', exact: true })).not.toContainText(team);
  await page.screenshot({ path: testInfo.outputPath('leadership-forecast.png'), fullPage: true });

  // The downside message opens to its evidence: its P50 is the range's, and an opportunity it
  // rests on opens the pipeline view at that deal.
  const currency = await page.locator('#forecast-currency').inputValue();
  const message = page.locator(`li[data-finding^="risk/${currency}/"]`);
  await message.getByText('Evidence', { exact: true }).click();
  const median = message.locator('[data-testid="evidence-fact"][data-key="p50"]');
  expect(toCents((await median.getAttribute('data-value'))!)).toBe(p50);
  const link = message.getByRole('link', { name: /^Opportunity / }).first();
  const deal = (await link.innerText()).replace('Opportunity ', '');
  await link.click();
  await expect(page).toHaveURL(/\/pipeline\?deal=/);
  await expect(page.locator('tr[aria-current="true"]')).toHaveAttribute('data-deal', deal);

  // The deal owner's pipeline, closed deals included: every stage reads as words, as the API's
  // stage of that deal ("closed_won" reads "Closed won").
  const owner = (await api<any>(request, bearer, `/pipeline?open=true&limit=500`)).items.find((o: any) => o.id === deal).owner_id;
  const theirs: any[] = (await api<any>(request, bearer, `/pipeline?owner=${owner}&limit=500`)).items;
  const closed = theirs.find((o: any) => o.stage === 'closed_won') ?? theirs.find((o: any) => o.stage === 'closed_lost');
  expect(closed, 'the owner has a closed deal').toBeTruthy();
  await page.goto(`/pipeline?owner=${owner}&deal=${closed.id}`);
  const words: Record<string, string> = { closed_won: 'Closed won', closed_lost: 'Closed lost' };
  await expect(page.locator(`tr[data-deal="${closed.id}"] td`).nth(3)).toHaveText(words[closed.stage]);
  await expect(page.getByRole('table', { name: 'Opportunities' })).not.toContainText(/Closed(Won|Lost)/);
  await page.goBack();
  await page.goBack();
  await expect(range).toBeVisible({ timeout: 30_000 });

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('leadership-forecast-390.png'), fullPage: true });
});
