import { test, expect } from '@playwright/test';
import { persona, signIn } from './session';

// Compliance reviews a regulated adviser's conduct events and proposes a malus, refused at the
// field until the amount is negative; the proposal then shows in the audit log, whose hash
// chain verifies.
test('compliance proposes a malus and finds it in the verified audit log', async ({ page, request }, testInfo) => {
  const officer = await persona(request, (p) => p.role === 'compliance');
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  await signIn(page, officer);
  await expect(page).toHaveURL(/\/conduct$/);
  await page.getByLabel('Person').selectOption(rep.person_id);
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
