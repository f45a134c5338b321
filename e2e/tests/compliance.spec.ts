import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';
import { toCents } from './money';

// Compliance reviews the firm's conduct events with their pay effects (as the API computes them
// from the regulated statements), filters them by kind and person (kept in the address across a
// reload), and proposes a malus, refused at the field until the amount is negative; the
// proposal then shows in the audit log, whose hash chain verifies.
test('compliance reviews the firm-wide conduct list, proposes a malus and finds it in the verified audit log', async ({ page, request }, testInfo) => {
  const officer = await persona(request, (p) => p.role === 'compliance');
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  await signIn(page, officer);
  await expect(page).toHaveURL(/\/conduct$/);
  const bearer = await token(request, officer);
  const all = (await api<any>(request, bearer, '/conduct?limit=500')).items;
  const rows = page.getByTestId('conduct-row');
  await expect(rows).toHaveCount(all.length, { timeout: 30_000 });
  const effect = all.find((e: any) => e.pay_effect && toCents(e.pay_effect.total) !== 0n);
  expect(effect, 'some event reduced regulated pay').toBeTruthy();
  const cell = page.locator(`[data-event="${effect.event.id}"]`).getByTestId('pay-effect');
  expect(toCents((await cell.locator('[data-amount]').getAttribute('data-amount'))!)).toBe(toCents(effect.pay_effect.total));
  await page.screenshot({ path: testInfo.outputPath('compliance-conduct-list.png'), fullPage: true });

  await page.getByLabel('Kind').selectOption('overdue_training');
  await expect(page).toHaveURL(/kind=overdue_training/);
  const training = all.filter((e: any) => e.event.kind === 'overdue_training');
  await expect(rows).toHaveCount(training.length);
  await page.reload();
  await expect(page.getByLabel('Kind')).toHaveValue('overdue_training');
  await expect(rows).toHaveCount(training.length);
  await page.getByLabel('Kind').selectOption('');

  await page.getByLabel('Person').selectOption(rep.person_id);
  await expect(page).toHaveURL(new RegExp(`person=${rep.person_id}`));
  await expect(rows).toHaveCount(all.filter((e: any) => e.event.person_id === rep.person_id).length);
  await expect(page.getByRole('table', { name: 'Conduct events' }).or(page.getByText('No conduct events recorded.'))).toBeVisible();

  await page.getByLabel(/Plan component id/).fill('fee-revenue');
  await page.getByLabel(/Statement month/).fill('2026-10');
  await page.getByLabel('Amount (negative)').fill('500');
  await page.getByLabel('Reason').fill('Upheld complaint: file review failure');
  await page.getByRole('button', { name: 'Propose' }).click();
  await expect(page.getByLabel('Amount (negative)')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Amount (negative)').fill('-500.00');
  await page.getByRole('button', { name: 'Propose' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Proposed as' });
  await expect(done).toBeVisible();
  const id = await done.locator('code').innerText();
  await page.screenshot({ path: testInfo.outputPath('compliance-malus.png'), fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.locator('[data-testid="audit-row"]', { hasText: `proposal/${id}` }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('intact');
});
