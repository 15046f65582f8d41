// Regions: ISO 3166 alpha-2 country codes plus a coarse area, from whatever a source gives
// ("United States, US", "Norway", "us-east-1a", "eu-central-1", "Frankfurt").
import type { Area, Region } from './quote.ts';

const AREA_OF_COUNTRY: Record<string, Area> = {
  US: 'NA', CA: 'NA', MX: 'NA',
  BR: 'SA', AR: 'SA', CL: 'SA', CO: 'SA', PE: 'SA',
  GB: 'EU', IE: 'EU', FR: 'EU', DE: 'EU', NL: 'EU', BE: 'EU', LU: 'EU', ES: 'EU', PT: 'EU', IT: 'EU',
  CH: 'EU', AT: 'EU', SE: 'EU', NO: 'EU', FI: 'EU', DK: 'EU', IS: 'EU', PL: 'EU', CZ: 'EU', SK: 'EU',
  HU: 'EU', RO: 'EU', BG: 'EU', GR: 'EU', EE: 'EU', LV: 'EU', LT: 'EU', SI: 'EU', HR: 'EU', RS: 'EU',
  UA: 'EU', MD: 'EU',
  JP: 'APAC', KR: 'APAC', CN: 'APAC', HK: 'APAC', TW: 'APAC', SG: 'APAC', MY: 'APAC', TH: 'APAC',
  VN: 'APAC', ID: 'APAC', PH: 'APAC', IN: 'APAC', AU: 'APAC', NZ: 'APAC',
  AE: 'MEA', SA: 'MEA', IL: 'MEA', TR: 'MEA', QA: 'MEA', BH: 'MEA', ZA: 'MEA', NG: 'MEA', KE: 'MEA',
  EG: 'MEA', MA: 'MEA',
};

const COUNTRY_OF_NAME: Record<string, string> = {
  'united states': 'US', usa: 'US', canada: 'CA', mexico: 'MX', brazil: 'BR', argentina: 'AR',
  chile: 'CL', 'united kingdom': 'GB', uk: 'GB', england: 'GB', ireland: 'IE', france: 'FR',
  germany: 'DE', netherlands: 'NL', belgium: 'BE', spain: 'ES', portugal: 'PT', italy: 'IT',
  switzerland: 'CH', austria: 'AT', sweden: 'SE', norway: 'NO', finland: 'FI', denmark: 'DK',
  iceland: 'IS', poland: 'PL', czechia: 'CZ', 'czech republic': 'CZ', hungary: 'HU', romania: 'RO',
  bulgaria: 'BG', greece: 'GR', estonia: 'EE', latvia: 'LV', lithuania: 'LT', ukraine: 'UA',
  japan: 'JP', 'south korea': 'KR', korea: 'KR', china: 'CN', 'hong kong': 'HK', taiwan: 'TW',
  singapore: 'SG', malaysia: 'MY', thailand: 'TH', vietnam: 'VN', indonesia: 'ID', india: 'IN',
  australia: 'AU', 'new zealand': 'NZ', 'united arab emirates': 'AE', israel: 'IL', turkey: 'TR',
  'south africa': 'ZA',
  // Cities that sources give instead of countries.
  frankfurt: 'DE', berlin: 'DE', amsterdam: 'NL', london: 'GB', paris: 'FR', stockholm: 'SE',
  oslo: 'NO', helsinki: 'FI', warsaw: 'PL', madrid: 'ES', 'new york': 'US', chicago: 'US',
  dallas: 'US', 'los angeles': 'US', 'san jose': 'US', seattle: 'US', 'kansas city': 'US',
  toronto: 'CA', montreal: 'CA', tokyo: 'JP', seoul: 'KR', sydney: 'AU', mumbai: 'IN',
};

/** Cloud region prefixes (AWS, Lambda, ...): the country of the region. */
const COUNTRY_OF_CLOUD_REGION: [RegExp, string][] = [
  [/^us-/, 'US'], [/^ca-/, 'CA'], [/^sa-east/, 'BR'], [/^mx-/, 'MX'],
  [/^eu-central-1/, 'DE'], [/^eu-central-2/, 'CH'], [/^eu-west-1/, 'IE'], [/^eu-west-2/, 'GB'],
  [/^eu-west-3/, 'FR'], [/^eu-north-1/, 'SE'], [/^eu-south-1/, 'IT'], [/^eu-south-2/, 'ES'],
  [/^ap-northeast-1/, 'JP'], [/^ap-northeast-2/, 'KR'], [/^ap-northeast-3/, 'JP'],
  [/^ap-southeast-1/, 'SG'], [/^ap-southeast-2/, 'AU'], [/^ap-southeast-3/, 'ID'],
  [/^ap-south-/, 'IN'], [/^ap-east-1/, 'HK'], [/^me-central-1/, 'AE'], [/^me-south-1/, 'BH'],
  [/^il-central-1/, 'IL'], [/^af-south-1/, 'ZA'],
];

const AREA_BY_NAME: Record<Area, true> = { NA: true, SA: true, EU: true, APAC: true, MEA: true };

export function isArea(value: string): value is Area {
  return Object.hasOwn(AREA_BY_NAME, value);
}

/** The region of an ISO country code; unknown codes keep the country and no area. */
export function regionOfCountry(iso2: string | undefined): Region {
  if (!iso2 || !/^[A-Za-z]{2}$/.test(iso2)) return {};
  const country = iso2.toUpperCase();
  const area = AREA_OF_COUNTRY[country];
  return area ? { country, area } : { country };
}

/** A free-form location ("United States, US", "Norway", "Frankfurt", "US, Kansas City, KS"). */
export function regionOfLocation(location: string | undefined | null): Region {
  if (!location) return {};
  const parts = location.split(',').map((p) => p.trim()).filter(Boolean);
  const isCountryCode = (p: string) => /^[A-Z]{2}$/.test(p) && p in AREA_OF_COUNTRY;
  // A leading code is the country ("US, Chicago, IL"); otherwise the last one is ("Quebec, CA"),
  // since US state codes after a city (IL, IN, CA, DE, MA...) are also country codes.
  const code = parts[0] && isCountryCode(parts[0]) ? parts[0] : [...parts].reverse().find(isCountryCode);
  if (code) return regionOfCountry(code);
  for (const part of parts) {
    const code = COUNTRY_OF_NAME[part.toLowerCase()];
    if (code) return regionOfCountry(code);
  }
  const firstCode = parts.find((p) => /^[A-Z]{2}$/.test(p));
  return regionOfCountry(firstCode);
}

/** A cloud region or availability zone code ("us-east-1a", "eu-central-1", "us-west-2"). */
export function regionOfCloudRegion(code: string | undefined): Region {
  if (!code) return {};
  const entry = COUNTRY_OF_CLOUD_REGION.find(([pattern]) => pattern.test(code.toLowerCase()));
  return entry ? regionOfCountry(entry[1]) : {};
}

/** Human form: "DE/EU", "US/NA", "EU", "any". */
export function formatRegion(region: Region): string {
  if (region.country && region.area) return `${region.country}/${region.area}`;
  return region.country ?? region.area ?? 'any';
}
