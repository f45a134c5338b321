import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';
import { toCents } from './money';

// A manager's team table comes from each report's statement, with each member's pipeline
// hygiene flags as the API counts them; drilling into a member shows that member's performance
// at its own address, which survives a reload.
test('manager sees the team table and drills into a member', async ({ page, request }, testInfo) => {
  // The hygiene cells wait for the server's coaching analysis of the whole firm (debug build).
  test.setTimeout(120_000);
  const manager = await persona(request, (p) => p.role === 'manager' && p.division === 'wealth');
  await signIn(page, manager);
  await expect(page).toHaveURL(/\/team$/);
  const rows = page.getByTestId('team-row');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('coach-messages').or(page.getByText('Nobody needs an intervention this week.'))).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager-team.png'), fullPage: true });

  // Every member's hygiene cell holds the API's flag count for them (stale deals, close dates
  // passed or too soon, repeated pushes).
  const hygiene = await api<any>(request, await token(request, manager), '/pipeline/hygiene');
  const flagsOf = (id: string) => {
    const row = hygiene.people.find((p: any) => p.person_id === id);
    return row ? Object.values(row.by_rule as Record<string, number>).reduce((a, b) => a + b, 0) : 0;
  };
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    const id = (await row.getByRole('link').getAttribute('href'))!.split('/')[2];
    await expect(row.getByTestId('hygiene')).toHaveAttribute('data-flags', String(flagsOf(id)), { timeout: 60_000 });
  }

  const first = rows.first().getByRole('link');
  const name = await first.innerText();
  await first.click();
  await expect(page).toHaveURL(/\/team\/[^/]+\/performance$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const person = page.url().split('/team/')[1].split('/')[0];
  const bearer = await token(request, manager);
  const server = await api<any>(request, bearer, `/statements/${person}`);
  await expect(page.getByTestId('period-total')).toHaveAttribute('data-amount', /.+/);
  expect(toCents((await page.getByTestId('period-total').getAttribute('data-amount'))!)).toBe(toCents(server.statement.total));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager-drill-in.png'), fullPage: true });

  // Every coaching message opens to its evidence: the progress nudge's quota is the API's, the
  // open message is in the address (a reload keeps it open) and its statement record links to
  // the member's statement for that period.
  const nudges = await api<any>(request, bearer, `/coach/nudges/${person}`);
  const progress = nudges.messages.find((m: any) => m.finding.id.startsWith('progress/'));
  expect(progress, 'the member has a progress nudge').toBeTruthy();
  const id: string = progress.finding.id;
  const message = page.locator(`li[data-finding="${id}"]`);
  await message.getByText('Evidence', { exact: true }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('finding')).toBe(id);
  const quota = progress.finding.evidence.facts.find((f: any) => f.key === 'quota');
  const shown = message.locator('[data-testid="evidence-fact"][data-key="quota"]');
  await expect(shown).toBeVisible();
  expect(toCents((await shown.getAttribute('data-value'))!)).toBe(toCents(quota.value.value.amount));
  await page.reload();
  await expect(shown).toBeVisible();
  await message.getByRole('link', { name: /^Statement / }).click();
  await expect(page).toHaveURL(new RegExp(`/team/${person}/statement\\?period=\\d{4}-\\d{2}$`));
  await expect(page.getByTestId('statement-total')).toBeVisible();
});

// A manager drafts a member's review on a phone, edits a section and saves it; the saved review
// is listed with the edited text, the API returns it, and the audit log records the save.
test('manager drafts, edits and saves a review at 390 px, audited', async ({ page, request }, testInfo) => {
  const manager = await persona(request, (p) => p.role === 'manager' && p.division === 'wealth');
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, manager);
  const member = page.getByTestId('team-row').first().getByRole('link');
  await expect(member).toBeVisible({ timeout: 30_000 });
  await member.click();
  const person = page.url().split('/team/')[1].split('/')[0];
  await page.getByRole('link', { name: 'Performance reviews' }).click();
  await expect(page).toHaveURL(new RegExp(`/team/${person}/review$`));
  await page.getByRole('button', { name: 'Draft review' }).click();
  const results = page.locator('#draft-results');
  await expect(results).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => new URL(page.url()).searchParams.get('to')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const edited = `${await results.inputValue()} Agreed at our one-to-one: two new mandates by March.`;
  await results.fill(edited);
  await page.getByRole('button', { name: 'Save review' }).click();
  const saved = page.getByTestId('review-saved');
  await expect(saved).toBeVisible();
  const reviewId = (await saved.getAttribute('data-review'))!;
  const listed = page.locator(`[data-testid="saved-review"][data-review="${reviewId}"]`);
  await expect(listed.locator('[data-section="results"]')).toHaveText(edited);
  await expect(listed.getByTestId('saved-by')).toContainText(`Saved by ${manager.name} at `);
  await expect(listed.getByTestId('saved-by')).not.toContainText(manager.person_id);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('manager-review-390.png'), fullPage: true });

  // Editing the saved review needs a reason and makes version 2.
  await listed.getByText('Edit this review').click();
  const focus = listed.getByLabel('Focus');
  const refocused = `${await focus.inputValue()} Review again in January.`;
  await focus.fill(refocused);
  await listed.getByLabel(/why it changes/i).fill('Added the January check-in');
  await listed.getByRole('button', { name: 'Save changes' }).click();
  await expect(listed).toHaveAttribute('data-version', '2');
  await expect(listed.locator('[data-section="focus"]')).toHaveText(refocused);
  await expect(listed.getByTestId('saved-by')).toContainText(`, edited by ${manager.name} at `);

  const bearer = await token(request, manager);
  const reviews = await api<any[]>(request, bearer, `/coach/reviews/${person}`);
  const review = reviews.find((r) => r.id === reviewId);
  expect(review.sections.find((s: any) => s.key === 'results').text).toBe(edited);
  expect(review.sections.find((s: any) => s.key === 'focus').text).toBe(refocused);
  expect(review.saved_by).toBe(manager.person_id);

  const auditor = await token(request, await persona(request, (p) => p.role === 'compliance'));
  const entries: any[] = [];
  for (let after: string | null = '0'; after !== null; ) {
    const page: any = await api<any>(request, auditor, `/audit?after=${after}&limit=500`);
    entries.push(...page.items.filter((r: any) => r.entity === `review/${reviewId}`));
    after = page.next ?? null;
  }
  expect(entries.map((r) => [r.action, r.actor])).toEqual([
    ['review.saved', manager.person_id],
    ['review.edited', manager.person_id],
  ]);
  expect(entries[1].reason).toBe('Added the January check-in');
});
