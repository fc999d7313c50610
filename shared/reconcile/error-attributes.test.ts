import { describe, expect, it } from 'vitest';
import { errorAttributes } from './pass-errors.js';

describe('errorAttributes of an unexpected error', () => {
  it('should keep stack frames only, never a message line, however many lines the message has', () => {
    // client-node's ApiException puts the response body on the third line of its message.
    const error = new Error(
      'HTTP-Code: 422\nMessage: x\nBody: {"message":"Invalid value: \\"CANARY-VALUE\\""}',
    );

    const attributes = errorAttributes(error);

    expect(attributes.error).toBe('Error');
    expect(JSON.stringify(attributes)).not.toContain('CANARY-VALUE');
    expect(String(attributes.stack)).toMatch(/^\s+at /);
  });
});
