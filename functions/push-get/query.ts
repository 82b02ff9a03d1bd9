/** The `id` query parameter, from the query maps of API Gateway's REST (v1) proxy event. */
import { BadRequest } from '../../lib/core/errors';

/** Query parameters as API Gateway (REST, v1 events) hands them over. */
export interface QueryParameters {
  single: Record<string, string | undefined> | null;
  multi: Record<string, string[] | undefined> | null;
}

/** `id[]`, `id[0]`, `id[a][b]`: the query-string parser makes these an array or object; `id[` stays a plain key. */
const BRACKETED_ID = /^id\[[^\]]*\]/;

/**
 * Rocket.Chat's `check(params, { id: String })` after its query-string parser: a repeated `id` or
 * `id[...]` keys make an array or object, which is refused as "object".
 */
export function messageIdFrom(query: QueryParameters): string {
  const keys = new Set([...Object.keys(query.single ?? {}), ...Object.keys(query.multi ?? {})]);
  const structured = [...keys].some((key) => BRACKETED_ID.test(key)) || (query.multi?.id?.length ?? 0) > 1;
  const id = query.single?.id ?? query.multi?.id?.[0];
  if (id === undefined && !structured) {
    throw new BadRequest("Match error: Missing key 'id'");
  }
  if (structured || typeof id !== 'string') {
    throw new BadRequest('Match error: Expected string, got object in field id');
  }
  return id;
}
