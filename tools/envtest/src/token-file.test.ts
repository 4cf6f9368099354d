import { describe, expect, it } from 'vitest';
import { formatTokenFile, issueUsers } from './token-file.ts';

describe('token file', () => {
  it('writes token,user,uid,"groups" lines and generates distinct tokens', () => {
    const users = issueUsers([{ name: 'alice', groups: ['system:masters', 'dev'] }, { name: 'bob' }]);
    const lines = formatTokenFile(users).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${users[0]?.token},alice,alice,"system:masters,dev"`);
    expect(lines[1]).toBe(`${users[1]?.token},bob,bob,""`);
    expect(users[0]?.token).not.toBe(users[1]?.token);
    expect(users[0]?.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('keeps a given token', () => {
    expect(issueUsers([{ name: 'carol', token: 'fixed-token' }])[0]?.token).toBe('fixed-token');
  });

  it('rejects fields that would break the CSV', () => {
    expect(() => issueUsers([{ name: 'a,b' }])).toThrow(/"a,b"/);
    expect(() => issueUsers([{ name: 'ok', groups: ['with"quote'] }])).toThrow(TypeError);
  });
});
