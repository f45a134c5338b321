import { test, expect } from '@playwright/test';
import { persona, signIn, token } from './session';
import { toCents } from './money';

// A designer opens the wealth plan, breaks a tier rate, sees the engine's message at that very
// field (validated in the browser as they type), fixes it, sees the change in the diff against
// the stored version, checks the JSON view, simulates the draft against last year (charts and a
// total matching the API's), and submits it for approval; the proposal comes back with the
// engine's simulated cost.
test('designer edits a plan, sees the error at the field, fixes it, simulates and submits it with its simulated cost', async ({ page, request }, testInfo) => {
  const designer = await persona(request, (p) => p.role === 'designer');
  await signIn(page, designer);
  await expect(page).toHaveURL(/\/plans$/);
  await page.getByTestId('plan-link').filter({ hasText: 'Wealth Adviser' }).getByRole('link').click();
  await expect(page).toHaveURL(/\/plans\/wm-adviser$/);

  const path = 'components[0].tiers[2].rate';
  const field = page.locator(`[data-path="${path}"]`);
  const input = field.getByRole('textbox');
  await expect(input).toHaveValue('0.07');
  await input.fill('1.5');
  await input.press('Tab');
  await expect(field.getByTestId('field-error')).toHaveText(/must be between 0 and 1/);
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('submit-plan')).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('designer-field-error.png'), fullPage: true });

  await input.fill('0.075');
  await input.press('Tab');
  await expect(field.getByTestId('field-error')).toBeHidden();
  await expect(page.getByTestId('validation')).toContainText('The plan is valid');
  await expect(page.getByTestId('diff')).toContainText(path);

  // The JSON view is the same document, at its own address.
  await page.getByRole('tab', { name: 'JSON' }).click();
  await expect(page).toHaveURL(/view=json/);
  await expect(page.getByLabel('Plan document (JSON)')).toHaveValue(/"rate": "0.075"/);
  // The draft survives a reload of the deep link.
  await page.reload();
  await expect(page.getByLabel('Plan document (JSON)')).toHaveValue(/"rate": "0.075"/);
  await page.getByRole('tab', { name: 'Form' }).click();
  await expect(page.locator(`[data-path="${path}"]`).getByRole('textbox')).toHaveValue('0.075');

  // Simulate the draft against last plan year: the charts and the winners, and the candidate's
  // total cost is the API's own figure for the same document.
  // The editor stores its draft text as a JSON string.
  const stored = await page.evaluate(() => localStorage.getItem('plumbline.draft.wm-adviser.2') ?? 'null');
  const draft = JSON.parse(JSON.parse(stored));
  expect(draft.components[0].tiers[2].rate).toBe('0.075');
  await page.getByTestId('simulate-plan').click();
  const simulation = page.getByTestId('simulation');
  await expect(simulation).toBeVisible({ timeout: 60_000 });
  await expect(simulation.getByRole('img', { name: 'Total cost, stored plan and candidate' })).toBeVisible();
  await expect(simulation.getByRole('img', { name: /Payout distribution/ })).toBeVisible();
  await expect(simulation.getByRole('img', { name: /Attainment distribution/ })).toBeVisible();
  await expect(simulation.locator('.chart-axis text.chart-title').first()).toBeVisible();
  await expect(simulation.getByRole('table', { name: /Winners and losers/ })).toBeVisible();
  expect(await simulation.getByTestId('sim-mover').count()).toBeGreaterThan(0);
  const bearer = await token(request, designer);
  const reply = await request.post('/api/plans/simulate', { headers: { Authorization: `Bearer ${bearer}` }, data: { plan: draft } });
  expect(reply.ok()).toBeTruthy();
  const server = await reply.json();
  expect(server.period.start).toBe('2025-01-01');
  const shown = (await page.getByTestId('sim-total').getAttribute('data-amount'))!;
  expect(toCents(shown)).toBe(toCents(server.comparison.b.total_cost));
  expect(toCents(server.comparison.total_delta)).toBeGreaterThan(0n);
  await page.screenshot({ path: testInfo.outputPath('designer-simulation.png'), fullPage: true });

  await page.getByLabel('Why this change').fill('Sharper accelerator above quota');
  await page.getByTestId('submit-plan').click();
  const submitted = page.getByTestId('submitted');
  await expect(submitted).toBeVisible();
  await expect(page.getByTestId('submitted-cost')).toHaveAttribute('data-amount', /^-?\d+(\.\d+)?$/);
  await page.screenshot({ path: testInfo.outputPath('designer-submitted.png'), fullPage: true });
});
