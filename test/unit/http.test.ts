import { describe, it, expect } from 'vitest';
import { errorResponse, ok } from '../../functions/commons/http';
import { BadRequest, MessageNotFound, NotAllowed, Unauthorized } from '../../lib/core/errors';

describe('HTTP answers of the functions', () => {
  it.each([
    ['200', ok({ success: true })],
    ['400', errorResponse(new BadRequest("Match error: Missing key 'id'"))],
    ['400 (not found)', errorResponse(new MessageNotFound())],
    ['400 (not allowed)', errorResponse(new NotAllowed())],
    ['401', errorResponse(new Unauthorized())],
    ['500', errorResponse(new Error('store down'))],
  ])('%s: JSON, and never cacheable (Cache-Control: no-store, Pragma: no-cache)', (_, answer) => {
    expect(answer.headers).toStrictEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  });
});
