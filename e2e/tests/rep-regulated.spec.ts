import { test, expect } from '@playwright/test';
import { toCents } from './money';
import { api, persona, signIn, token } from './session';

// The demo firm plants a conduct-flagged wealth adviser whose statement for the month of a
// minor conduct event shows the conduct gate, the deferral and a clawback of the previous
// month's cash. Found through the API (compliance reads every adviser's conduct events and
// statements); the adviser signs in and the statement page shows those lines, paid now,
// deferred and the unvested balance, each equal to the API's figure to the cent.
test('a conduct-flagged adviser sees the conduct line, deferral and clawback on their statement, to the cent', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const compliance = await token(request, await persona(request, (p) => p.role === 'compliance'));
  const all: any[] = await (await request.get('/api/auth/personas')).json();
  const advisers = all.filter((p) => p.role === 'rep' && p.division === 'wealth');
  let found: { who: any; period: string; statement: any } | undefined;
  const negative = (s: any, kind: string) => s.regulated.lines.some((l: any) => l.kind === kind && toCents(l.amount) < 0n);
  search: for (const who of advisers) {
    const events = await api<any[]>(request, compliance, `/people/${who.person_id}/conduct`);
    for (const event of events.filter((e) => e.severity === 'minor')) {
      const period = String(event.date).slice(0, 7);
      const statement = await api<any>(request, compliance, `/statements/${who.person_id}?period=${period}`);
      if (statement.regulated && negative(statement, 'conduct') && negative(statement, 'deferral') && negative(statement, 'clawback')) {
        found = { who, period, statement };
        break search;
      }
    }
  }
  expect(found, 'the demo firm plants a conduct-flagged adviser with a clawback').toBeTruthy();
  const { who, period, statement } = found!;
  const regulated = statement.regulated;

  await signIn(page, who);
  await page.goto(`/statement?period=${period}`);
  const panel = page.getByTestId('regulated');
  await expect(panel).toBeVisible();
  for (const kind of ['conduct', 'deferral', 'clawback']) {
    const apiLines = regulated.lines.filter((l: any) => l.kind === kind);
    const rows = panel.locator(`[data-testid="regulated-line"][data-kind="${kind}"]`);
    await expect(rows).toHaveCount(apiLines.length);
    for (let i = 0; i < apiLines.length; i++) {
      const row = rows.nth(i);
      expect(toCents(await row.getByTestId('regulated-amount').innerText())).toBe(toCents(apiLines[i].amount));
      await expect(row).toContainText(apiLines[i].reference);
      await expect(row).toContainText(apiLines[i].explanation);
    }
  }
  for (const [testid, field] of [['paid-now', 'paid_now'], ['deferred', 'deferred'], ['unvested-total', 'unvested_total'], ['variable-pay', 'variable_pay']]) {
    expect(toCents(await panel.getByTestId(testid).innerText()), field).toBe(toCents(regulated[field]));
  }
  await expect(panel.getByTestId('unvested')).toHaveCount(regulated.unvested.length);
  // The lines add up to what is paid now.
  const sum = regulated.lines.reduce((s: bigint, l: any) => s + toCents(l.amount), 0n);
  expect(sum).toBe(toCents(regulated.paid_now));
  await page.screenshot({ path: testInfo.outputPath('rep-regulated-statement.png'), fullPage: true });
});
