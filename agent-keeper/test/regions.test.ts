import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRegion, isArea, regionOfCloudRegion, regionOfCountry, regionOfLocation } from '../src/regions.ts';

test('a country code gets its area; an unknown code keeps the country alone; junk is unknown', () => {
  assert.deepEqual(regionOfCountry('DE'), { country: 'DE', area: 'EU' });
  assert.deepEqual(regionOfCountry('us'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfCountry('SG'), { country: 'SG', area: 'APAC' });
  assert.deepEqual(regionOfCountry('BR'), { country: 'BR', area: 'SA' });
  assert.deepEqual(regionOfCountry('AE'), { country: 'AE', area: 'MEA' });
  assert.deepEqual(regionOfCountry('ZZ'), { country: 'ZZ' });
  assert.deepEqual(regionOfCountry('USA'), {});
  assert.deepEqual(regionOfCountry(''), {});
  assert.deepEqual(regionOfCountry(undefined), {});
});

test('free-form locations: a country code, a country name or a city', () => {
  assert.deepEqual(regionOfLocation('United States, US'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfLocation('Norway'), { country: 'NO', area: 'EU' });
  assert.deepEqual(regionOfLocation('Frankfurt'), { country: 'DE', area: 'EU' });
  assert.deepEqual(regionOfLocation('Virginia, USA'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfLocation('Quebec, CA'), { country: 'CA', area: 'NA' });
  assert.deepEqual(regionOfLocation('Mumbai, IN'), { country: 'IN', area: 'APAC' });
  assert.deepEqual(regionOfLocation('Wilmington, DE, US'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfLocation('Atlantis'), {});
  assert.deepEqual(regionOfLocation(''), {});
  assert.deepEqual(regionOfLocation(null), {});
});

test('"US, City, ST": a leading country code wins over a state code that is also a country code', () => {
  assert.deepEqual(regionOfLocation('US, Kansas City, KS'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfLocation('US, San Jose, CA'), { country: 'US', area: 'NA' }, 'CA is California, not Canada');
  assert.deepEqual(regionOfLocation('US, Chicago, IL'), { country: 'US', area: 'NA' }, 'IL is Illinois, not Israel');
  assert.deepEqual(regionOfLocation('US, Indianapolis, IN'), { country: 'US', area: 'NA' }, 'IN is Indiana, not India');
  assert.deepEqual(regionOfLocation('US, Boston, MA'), { country: 'US', area: 'NA' }, 'MA is Massachusetts, not Morocco');
});

test('cloud regions and availability zones', () => {
  assert.deepEqual(regionOfCloudRegion('us-east-1a'), { country: 'US', area: 'NA' });
  assert.deepEqual(regionOfCloudRegion('eu-central-1'), { country: 'DE', area: 'EU' });
  assert.deepEqual(regionOfCloudRegion('eu-west-2'), { country: 'GB', area: 'EU' });
  assert.deepEqual(regionOfCloudRegion('ap-northeast-1c'), { country: 'JP', area: 'APAC' });
  assert.deepEqual(regionOfCloudRegion('me-central-1'), { country: 'AE', area: 'MEA' });
  assert.deepEqual(regionOfCloudRegion('sa-east-1'), { country: 'BR', area: 'SA' });
  assert.deepEqual(regionOfCloudRegion('europe-central-1'), {});
  assert.deepEqual(regionOfCloudRegion(undefined), {});
});

test('areas and the human form', () => {
  assert.equal(isArea('EU'), true);
  assert.equal(isArea('APAC'), true);
  assert.equal(isArea('DE'), false);
  assert.equal(isArea('eu'), false);
  assert.equal(isArea('toString'), false, 'not fooled by Object.prototype');
  assert.equal(formatRegion({ country: 'DE', area: 'EU' }), 'DE/EU');
  assert.equal(formatRegion({ country: 'ZZ' }), 'ZZ');
  assert.equal(formatRegion({ area: 'EU' }), 'EU');
  assert.equal(formatRegion({}), 'any');
});
