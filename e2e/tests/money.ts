// Money in tests is compared in integer cents (BigInt), never as floating point.

/** Parses "1234.5", "-£1,234.56" or "$0.07" into cents. */
export function toCents(text: string): bigint {
  const cleaned = text.replace(/[^0-9.\-]/g, '');
  const match = /^(-?)(\d*)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) throw new Error(`not an amount: ${text}`);
  const [, sign, whole, frac = ''] = match;
  const cents = BigInt(whole || '0') * 100n + BigInt((frac + '00').slice(0, 2));
  return sign === '-' ? -cents : cents;
}
