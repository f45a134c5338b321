import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';

// A designer plans next year for one wealth team: runs the data-driven quota allocation and
// "last year + x%" side by side with their fairness (Gini of quota/potential and
// quota/history, simulated attainment chart), balances the team's territories (potential per
// seller before and after, accounts that move and why), and submits the data-driven quotas;
// the team's manager (first step of the quota_allocation chain) finds the proposal waiting in
// their approvals queue.
test('designer runs both quota allocations and territory balancing, submits the quotas, and the manager sees them to approve', async ({ browser, page, request }, testInfo) => {
  const designer = await persona(request, (p) => p.role === 'designer');
  const designerToken = await token(request, designer);
  const teams = await api<any[]>(request, designerToken, '/teams');
  const team = teams.find((t) => t.division === 'wealth') ?? teams[0];

  await signIn(page, designer);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planning' }).click();
  await expect(page).toHaveURL(/\/planning$/);
  await page.getByLabel('Whose quotas and accounts').selectOption({ label: `Team: ${team.name} (${team.id})` });

  // The same request through the API gives the figures the page must show.
  const scope = { kind: 'team', id: team.id };
  const planned = await request.post('/api/planning/quotas', {
    headers: { Authorization: `Bearer ${designerToken}` },
    data: { scope },
  });
  expect(planned.ok(), await planned.text()).toBeTruthy();
  const plan = await planned.json();

  await page.getByTestId('run-quotas').click();
  const result = page.getByTestId('quota-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('quota-target')).toHaveAttribute('data-amount', String(plan.target));
  for (const [testid, allocation] of [['allocation-data-driven', plan.data_driven], ['allocation-spread-around', plan.spread_around]] as const) {
    const panel = page.getByTestId(testid);
    await expect(panel.getByTestId('gini-potential')).toHaveText(allocation.fairness.quota_to_potential.gini.toFixed(3));
    await expect(panel.getByTestId('gini-history')).toHaveText(allocation.fairness.quota_to_history.gini.toFixed(3));
    await expect(panel.locator('svg[role="img"] rect.chart-bar')).toHaveCount(allocation.fairness.attainment.buckets.length);
  }
  for (const row of plan.comparison.rows) {
    const tr = result.locator(`tr[data-person="${row.person_id}"]`);
    await expect(tr.locator('td').nth(0)).toHaveAttribute('data-amount', String(row.data_driven));
    await expect(tr.locator('td').nth(1)).toHaveAttribute('data-amount', String(row.spread_around));
  }
  await page.screenshot({ path: testInfo.outputPath('designer-quota-comparison.png'), fullPage: true });

  await page.getByLabel('Most accounts that may change owner (%)').fill('20');
  await page.getByTestId('run-territories').click();
  const territories = page.getByTestId('territory-result');
  await expect(territories).toBeVisible({ timeout: 30_000 });
  await expect(territories.locator('figure svg[role="img"]')).toHaveCount(2);
  const moved = Number(await page.getByTestId('territory-summary').getAttribute('data-moved'));
  await expect(territories.getByTestId('move')).toHaveCount(moved);
  if (moved > 0) {
    await expect(territories.getByTestId('move').first().locator('td').last()).not.toBeEmpty();
  }
  await page.screenshot({ path: testInfo.outputPath('designer-territories.png'), fullPage: true });

  await page.getByRole('radio', { name: 'Data-driven' }).check();
  const reason = `Next year's quotas from the data (e2e ${Date.now()})`;
  await page.getByLabel('Why these quotas').fill(reason);
  await page.getByTestId('submit-quotas').click();
  const submitted = page.getByTestId('quotas-submitted');
  await expect(submitted).toBeVisible({ timeout: 30_000 });
  await expect(submitted).toContainText('from manager');
  const proposalId = await submitted.getAttribute('data-proposal');
  expect(proposalId).toBeTruthy();
  await page.screenshot({ path: testInfo.outputPath('designer-quotas-submitted.png'), fullPage: true });

  // The manager of the team is the chain's first step: the proposal waits in their queue.
  const manager = await persona(request, (p) => p.person_id === team.manager_id);
  const desk = await browser.newPage();
  await signIn(desk, manager);
  await desk.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
  await expect(desk).toHaveURL(/\/approvals$/);
  const card = desk.locator(`[data-proposal="${proposalId}"]`);
  await expect(card).toBeVisible();
  await expect(card).toContainText(reason);
  await expect(card.getByRole('button', { name: 'Approve' })).toBeVisible();
  await desk.screenshot({ path: testInfo.outputPath('manager-sees-quota-allocation.png'), fullPage: true });
});
