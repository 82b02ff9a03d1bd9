/** Strict ISO-8601 date-time parsing, apart from the EJSON reader so the Lambda bundles need no `bson`. */
/**
 * An ISO-8601 date-time with its zone, as relaxed Extended JSON writes dates (`+0000` offsets
 * included, as older tools wrote them). Checked before `Date.parse`, which alone would also take
 * text such as `"x 5"` or `"token-31415"` for a date.
 */
const ISO_DATE_TIME = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of an ISO-8601 date-time string; NaN for anything else. */
export function parseIsoDateTime(text: string): number {
  return ISO_DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
}
