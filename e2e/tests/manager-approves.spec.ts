import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';

// A designer proposes a new version of the wealth plan (through the API); a manager approves
// it on a phone-sized screen, seeing the engine's simulated cost; the decision then shows in
// the audit log that compliance reads.
test('manager approves a plan change on a 390 px screen and it shows in the audit log', async ({ browser, request }, testInfo) => {
  const designer = await persona(request, (p) => p.role === 'designer');
  const manager = await persona(request, (p) => p.role === 'manager' && p.division === 'wealth');
  const compliance = await persona(request, (p) => p.role === 'compliance');
  const designerToken = await token(request, designer);

  const summaries = await api<any[]>(request, designerToken, '/plans');
  const summary = summaries.find((s) => s.id === 'wm-adviser') ?? summaries[0];
  const plan = await api<any>(request, designerToken, `/plans/${summary.id}/versions/${summary.latest_version}`);
  const tiered = plan.components.find((c: any) => c.type === 'tiered');
  tiered.tiers[tiered.tiers.length - 1].rate = '0.075';
  plan.version = summary.latest_version + 1;
  const reason = `Accelerator to 7.5% (e2e ${Date.now()})`;
  const proposed = await request.post('/api/approvals', {
    headers: { Authorization: `Bearer ${designerToken}` },
    data: { change: { kind: 'plan_version', plan }, reason },
  });
  expect(proposed.ok(), await proposed.text()).toBeTruthy();
  const proposal = await proposed.json();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await signIn(page, manager);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
  await expect(page).toHaveURL(/\/approvals$/);
  const card = page.locator(`[data-proposal="${proposal.id}"]`);
  await expect(card).toBeVisible();
  await expect(card.getByTestId('cost-impact')).toBeVisible();
  // The designer is outside the manager's part of the directory; the queue still names them.
  await expect(card).toContainText(`Proposed by ${designer.name}`);
  // Nothing sticks out sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('manager-approvals-390.png'), fullPage: true });

  await card.getByLabel(/comment/i).fill('Cost is within the budget agreed.');
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card.getByText(/Approved by/)).toContainText(`Approved by ${manager.name} (manager)`);
  await page.screenshot({ path: testInfo.outputPath('manager-approved-390.png'), fullPage: true });
  await phone.close();

  const desk = await browser.newPage();
  await signIn(desk, compliance);
  await desk.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  const row = desk.locator('[data-testid="audit-row"]', { hasText: `proposal/${proposal.id}` }).filter({ hasText: /step_approved|approved/ });
  await expect(row.first()).toBeVisible();
  // Who approved reads as the manager's name, with the id the record holds beneath it.
  await expect(row.first()).toContainText(`${manager.name} (manager)`);
  await expect(row.first()).toContainText(manager.person_id);
  await desk.getByRole('button', { name: 'Verify chain' }).click();
  await expect(desk.getByTestId('verify-result')).toContainText('intact');
  await desk.screenshot({ path: testInfo.outputPath('audit-log.png'), fullPage: true });
});
