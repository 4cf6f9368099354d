import { describe, expect, it } from 'vitest';
import { parseCommunity } from './parse-community.ts';
import { parseDurationMs } from './parse-duration.ts';

describe('parseCommunity', () => {
  it.each([
    ['65535:65282', { type: 'standard', value: '65535:65282' }],
    ['0:0', { type: 'standard', value: '0:0' }],
    ['007:01', { type: 'standard', value: '7:1' }],
    ['large:4294967295:0:1', { type: 'large', value: '4294967295:0:1' }],
    ['NO_ADVERTISE', { type: 'alias', name: 'NO_ADVERTISE' }],
    ['vpn-only', { type: 'alias', name: 'vpn-only' }],
  ])('reads %s', (text, expected) => {
    expect(parseCommunity(text)).toEqual(expected);
  });

  it.each([
    ['65536:1', /needs two numbers from 0 to 65535/],
    ['1:99999999999', /needs two numbers/],
    ['large:4294967296:0:1', /three numbers from 0 to 4294967295/],
    ['large:1:2', /is not large:G:L1:L2/],
    ['large:a:b:c', /is not large:G:L1:L2/],
  ])('refuses %s', (text, message) => {
    const parsed = parseCommunity(text);
    expect(parsed.type).toBe('invalid');
    expect(parsed.type === 'invalid' && parsed.message).toMatch(message);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['90s', 90_000],
    ['9m0s', 540_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['0s', 0],
    ['0', 0],
  ])('reads %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '90', '-1s', 's', '1d', '1.s', ' 1s'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
