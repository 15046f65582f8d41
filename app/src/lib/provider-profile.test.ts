import { describe, expect, test } from 'vitest';
import { parseProviderProfile, profileURI, providerLabel, providerLabelById } from './provider-profile.ts';

describe('a provider profile', () => {
  test('reads the seed’s raw JSON and the app’s URI-encoded JSON', () => {
    expect(parseProviderProfile('data:application/json,{"name":"Lumen Compute"}')).toEqual({ name: 'Lumen Compute' });
    const encoded = `data:application/json,${encodeURIComponent(JSON.stringify({ name: 'Café, GPUs & Co', contact: 'ops@example.org' }))}`;
    expect(parseProviderProfile(encoded)).toEqual({ name: 'Café, GPUs & Co', contact: 'ops@example.org' });
    expect(parseProviderProfile(`data:application/json;base64,${btoa('{"name":"B64"}')}`)).toEqual({ name: 'B64' });
  });

  test('a raw "%" in the seed’s unencoded JSON keeps the profile', () => {
    expect(parseProviderProfile('data:application/json,{"name":"100% uptime"}')).toEqual({ name: '100% uptime' });
    expect(parseProviderProfile(`data:application/json;base64,${btoa('{"name":" Lab ","contact":"x@y.z"}')}`)).toEqual({ name: 'Lab', contact: 'x@y.z' });
  });

  test('anything else is no profile, never an error', () => {
    expect(parseProviderProfile('data:application/json,null')).toEqual({});
    expect(parseProviderProfile('ipfs://bafy')).toEqual({});
    expect(parseProviderProfile('data:application/json,{not json')).toEqual({});
    expect(parseProviderProfile('data:application/json,{"name":')).toEqual({});
    expect(parseProviderProfile('data:application/json,{"name":42,"contact":" "}')).toEqual({});
  });

  test('labels sellers and gateways with their ids', () => {
    expect(providerLabel({ id: 11, sourceTag: null, isGateway: false, metadataURI: 'data:application/json,{"name":"Lumen"}' })).toBe('Lumen (seller #11)');
    expect(providerLabel({ id: 12, sourceTag: null, isGateway: false, metadataURI: '' })).toBe('Necto seller #12');
    expect(providerLabel({ id: 1, sourceTag: 'akash', isGateway: true, metadataURI: 'data:application/json,{"name":"Akash"}' })).toBe('Akash (gateway #1)');
    expect(providerLabel({ id: 2, sourceTag: 'ionet', isGateway: true, metadataURI: '' })).toBe('ionet (gateway #2)');
  });
  test('a registered profile reads back whatever its name holds', () => {
    const uri = profileURI({ name: 'X "quoted" 100% #1', contact: 'x@y.io' });
    expect(uri).not.toMatch(/[#"% ](?![0-9A-F]{2})/);
    expect(parseProviderProfile(uri)).toEqual({ name: 'X "quoted" 100% #1', contact: 'x@y.io' });
  });

  test('a provider not among those read is named by its id', () => {
    const providers = [{ id: 9, sourceTag: null, isGateway: false, metadataURI: 'data:application/json,{"name":"Frankfurt H100 Lab"}' }];
    expect(providerLabelById(providers, 9)).toBe('Frankfurt H100 Lab (seller #9)');
    expect(providerLabelById(providers, 12)).toBe('provider 12');
  });
});
