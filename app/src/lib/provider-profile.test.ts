import { describe, expect, it } from 'vitest';
import { parseProviderProfile } from './provider-profile.ts';

describe('a provider profile', () => {
  it('reads the name and contact of inline JSON, raw, percent-encoded or base64', () => {
    expect(parseProviderProfile('data:application/json,{"name":"Frankfurt H100 Lab"}')).toEqual({ name: 'Frankfurt H100 Lab' });
    expect(parseProviderProfile('data:application/json,%7B%22name%22%3A%22RunPod%22%2C%22contact%22%3A%22ops%40runpod.io%22%7D')).toEqual({ name: 'RunPod', contact: 'ops@runpod.io' });
    expect(parseProviderProfile(`data:application/json;base64,${btoa('{"name":" Lab ","contact":"x@y.z"}')}`)).toEqual({ name: 'Lab', contact: 'x@y.z' });
  });

  it('gives nothing for other URIs, bad JSON or fields that are not text', () => {
    expect(parseProviderProfile('https://example.com/profile.json')).toEqual({});
    expect(parseProviderProfile('data:application/json,{"name":')).toEqual({});
    expect(parseProviderProfile('data:application/json,{"name":42,"contact":""}')).toEqual({});
    expect(parseProviderProfile('data:application/json,null')).toEqual({});
  });
});
