// The seller's forms: raw field values in, the contract's arguments out, or one message per bad
// field (shown next to it; nothing is sent while any remains). Register and profile, an offer
// (hardware, location, window, pricing), pricing alone, capacity, and a job's used time.
import { GPU_MODEL_IDS, memoryOf, resolveGpuModel } from 'agent-keeper/gpu-models';
import { regionOfCountry } from 'agent-keeper/regions';
import { getAddress, hexToString, isAddress, stringToHex } from 'viem';
import type { Address, Hex } from 'viem';
import { AREA_CHOICES, microUsd } from './job-form.ts';
import { profileURI } from './provider-profile.ts';

export { AREA_CHOICES, GPU_MODEL_IDS, memoryOf };

export const SELLER_PRICING = ['Fixed', 'Dynamic', 'Token'] as const;
export type SellerPricing = (typeof SELLER_PRICING)[number];
export const CAPACITY_STATES = ['Available', 'Reserved', 'Offline'] as const;
export type CapacityStateName = (typeof CAPACITY_STATES)[number];
/** The CoinGecko ids the keeper's price feed knows (its recorded snapshot has each). */
export const KNOWN_TOKEN_IDS = ['akash-network', 'render-token', 'nosana', 'io-net', 'usd-coin'] as const;
export const MAX_NAME_LENGTH = 64;
export const MAX_CONTACT_LENGTH = 200;
const MAX_UINT16 = 65_535;
const MAX_SLOPE_PERCENT = 1000;
const MAX_MICRO_TOKENS = 2n ** 64n - 1n;
const AREA_INDEX = ['None', ...AREA_CHOICES] as readonly string[];
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'UK', 'ZZ']);

type Errors<K extends string> = Partial<Record<K, string>>;
export type Parsed<T, K extends string> = { ok: true; value: T } | { ok: false; errors: Errors<K> };

/* PROFILE */

export type ProfileValues = { payout: string; name: string; contact: string };

export function parseProfileForm(values: ProfileValues): Parsed<{ payout: Address; metadataURI: string }, keyof ProfileValues> {
  const errors: Errors<keyof ProfileValues> = {};
  const payout = values.payout.trim();
  if (!payout) errors.payout = 'enter the address earnings are paid to';
  else if (!isAddress(payout, { strict: false })) errors.payout = `"${payout}" is not an address (0x and 40 hex digits)`;
  else if (/^0x0{40}$/i.test(payout)) errors.payout = 'the zero address cannot receive earnings';
  const name = values.name.trim();
  if (!name) errors.name = 'enter the name buyers see';
  else if (name.length > MAX_NAME_LENGTH) errors.name = `at most ${MAX_NAME_LENGTH} characters (got ${name.length})`;
  const contact = values.contact.trim();
  if (!contact) errors.contact = 'enter an email address or a web address buyers can reach you at';
  else if (contact.length > MAX_CONTACT_LENGTH) errors.contact = `at most ${MAX_CONTACT_LENGTH} characters (got ${contact.length})`;
  else if (!isEmail(contact) && !isWebUrl(contact)) errors.contact = `"${contact}" is neither an email address nor an http(s) URL`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { payout: getAddress(payout), metadataURI: profileURI({ name, contact }) } };
}

/* PRICING */

export type PricingValues = { pricing: SellerPricing; price: string; floor: string; slope: string; token: string; tokenAmount: string; ceiling: string };
export type PricingArgs = { pricing: number; price: bigint; demandSlopeBps: number; tokenId: Hex; tokenAmount: bigint };
const ZERO_32: Hex = `0x${'0'.repeat(64)}`;

export function parsePricing(values: PricingValues): Parsed<PricingArgs, keyof PricingValues> {
  const errors: Errors<keyof PricingValues> = {};
  const dollars = (field: 'price' | 'floor' | 'ceiling', what: string) => {
    const micro = microUsd(values[field]);
    if (micro === undefined) errors[field] = `enter the ${what} in $ per GPU-hour above $0 with at most 6 decimals, e.g. 2.10 (got "${values[field]}")`;
    return micro ?? 0n;
  };
  const pricing = SELLER_PRICING.indexOf(values.pricing);
  if (values.pricing === 'Fixed') {
    const price = dollars('price', 'price');
    return done(errors, { pricing, price, demandSlopeBps: 0, tokenId: ZERO_32, tokenAmount: 0n });
  }
  if (values.pricing === 'Dynamic') {
    const price = dollars('floor', 'floor price');
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(values.slope.trim().replace(/%$/, ''));
    const bps = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0') || 0) : NaN;
    if (!match) errors.slope = `enter the premium at full use in %, at most 2 decimals, e.g. 25 (got "${values.slope}")`;
    else if (bps > MAX_SLOPE_PERCENT * 100) errors.slope = `at most ${MAX_SLOPE_PERCENT}% (got ${values.slope})`;
    return done(errors, { pricing, price, demandSlopeBps: bps, tokenId: ZERO_32, tokenAmount: 0n });
  }
  if (values.pricing === 'Token') {
    const token = values.token.trim().toLowerCase();
    if (!token) errors.token = 'enter the token’s CoinGecko id, e.g. render-token';
    else if (!/^[a-z0-9][a-z0-9-]*$/.test(token) || token.length > 32) errors.token = `"${values.token}" is not a CoinGecko id (lowercase letters, digits and dashes, at most 32)`;
    const tokenAmount = microTokens(values.tokenAmount);
    if (tokenAmount === undefined) errors.tokenAmount = `enter the tokens per GPU-hour above 0 with at most 6 decimals (got "${values.tokenAmount}")`;
    const price = dollars('ceiling', 'USD ceiling');
    return done(errors, { pricing, price, demandSlopeBps: 0, tokenId: errors.token ? ZERO_32 : stringToHex(token, { size: 32 }), tokenAmount: tokenAmount ?? 0n });
  }
  return { ok: false, errors: { pricing: 'choose Fixed, Dynamic or Token' } };
}

/** "1.2" tokens as micro-tokens, exactly. */
export function microTokens(value: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!match) return undefined;
  const micro = BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0');
  return micro > 0n && micro <= MAX_MICRO_TOKENS ? micro : undefined;
}

/** A bytes32 token id as its CoinGecko id. */
export function tokenIdText(tokenId: string): string {
  return /^0x0*$/.test(tokenId) ? '' : hexToString(tokenId as Hex, { size: 32 }).replace(/\0+$/, '');
}

/* WINDOW */

export type WindowValues = { from: string; until: string };

/** `datetime-local` values read as UTC; empty = now (from) or open-ended (until). */
export function parseWindow(values: WindowValues, now: number): Parsed<{ availableFrom: number; availableUntil: number }, keyof WindowValues> {
  const errors: Errors<keyof WindowValues> = {};
  const read = (field: keyof WindowValues) => {
    const text = values[field].trim();
    if (!text) return 0;
    const seconds = Date.parse(`${text}${/Z$/.test(text) ? '' : 'Z'}`) / 1000;
    if (!Number.isFinite(seconds) || seconds <= 0) errors[field] = `"${text}" is not a date and time`;
    return Math.floor(seconds);
  };
  const availableFrom = read('from');
  const availableUntil = read('until');
  if (!errors.until && availableUntil) {
    if (availableUntil <= Math.max(availableFrom, now)) errors.until = availableFrom > now ? 'must be after the start' : 'must be in the future (or empty: open-ended)';
  }
  return done(errors, { availableFrom, availableUntil });
}

/** A unix time as a `datetime-local` value in UTC; 0 as empty. */
export function windowInput(unixSeconds: number | string): string {
  const seconds = Number(unixSeconds);
  return seconds ? new Date(seconds * 1000).toISOString().slice(0, 16) : '';
}

/* OFFER */

export type OfferValues = PricingValues & WindowValues & { gpu: string; count: string; vram: string; country: string; area: string };
export type OfferParams = {
  gpuModel: Hex;
  gpuCount: number;
  vramGb: number;
  country: Hex;
  area: number;
  availableFrom: number;
  availableUntil: number;
  pricing: number;
  price: bigint;
  demandSlopeBps: number;
  tokenId: Hex;
  tokenAmount: bigint;
};

export const DEFAULT_OFFER: OfferValues = {
  gpu: 'H100-80G',
  count: '8',
  vram: String(memoryOf('H100-80G')),
  country: '',
  area: 'EU',
  from: '',
  until: '',
  pricing: 'Fixed',
  price: '2.00',
  floor: '1.50',
  slope: '25',
  token: 'render-token',
  tokenAmount: '0.5',
  ceiling: '2.00',
};

export function parseOffer(values: OfferValues, now: number): Parsed<OfferParams, keyof OfferValues> {
  const errors: Errors<keyof OfferValues> = {};
  const gpuModel = resolveGpuModel(values.gpu.trim());
  if (!gpuModel) errors.gpu = values.gpu.trim() ? `"${values.gpu}" is not a GPU model Necto knows` : 'choose a GPU model';
  const gpuCount = whole(values.count, 1, MAX_UINT16, 'GPUs', (m) => (errors.count = m));
  const vramGb = whole(values.vram, 1, MAX_UINT16, 'GB', (m) => (errors.vram = m));
  const area = values.area;
  if (!AREA_CHOICES.includes(area as never)) errors.area = 'choose the area the GPUs are in';
  const country = values.country.trim().toUpperCase();
  const countryError = checkCountry(country, area);
  if (countryError) errors.country = countryError;
  const window = parseWindow(values, now);
  if (!window.ok) Object.assign(errors, window.errors);
  const pricing = parsePricing(values);
  if (!pricing.ok) Object.assign(errors, pricing.errors);
  if (Object.keys(errors).length || !gpuModel || !window.ok || !pricing.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      gpuModel: stringToHex(gpuModel, { size: 16 }),
      gpuCount,
      vramGb,
      country: country ? stringToHex(country, { size: 2 }) : '0x0000',
      area: AREA_INDEX.indexOf(area),
      ...window.value,
      ...pricing.value,
    },
  };
}

/** A real ISO 3166 alpha-2 code, in the chosen area where the keeper knows the country's area. */
export function checkCountry(country: string, area: string): string | undefined {
  if (!country) return undefined;
  if (!/^[A-Z]{2}$/.test(country)) return `"${country}" is not a two-letter ISO country code (DE, US, JP, ...)`;
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(country);
  if (NOT_COUNTRIES.has(country) || !name || name === country || name === 'Unknown Region') return `"${country}" is not an ISO 3166 country code${country === 'UK' ? ' (the United Kingdom is GB)' : ''}`;
  const known = regionOfCountry(country).area;
  if (known && AREA_CHOICES.includes(area as never) && known !== area) return `${name} (${country}) is in ${known}, not ${area}: change the area or the country`;
  return undefined;
}

/* CAPACITY */

export type CapacityValues = { state: CapacityStateName; count: string };

export function parseCapacity(values: CapacityValues, gpusInUse: number): Parsed<{ state: number; gpuCount: number }, keyof CapacityValues> {
  const errors: Errors<keyof CapacityValues> = {};
  const state = CAPACITY_STATES.indexOf(values.state);
  if (state < 0) errors.state = 'choose Available, Reserved or Offline';
  const gpuCount = whole(values.count, 1, MAX_UINT16, 'GPUs', (m) => (errors.count = m));
  if (!errors.count && gpuCount < gpusInUse) errors.count = `${gpusInUse} GPUs are in use by routed or running jobs: list at least ${gpusInUse}`;
  return done(errors, { state, gpuCount });
}

/* COMPLETION */

/** Used time as hours with decimals ("1.5") or h:mm ("1:30"), in whole seconds, at most the
 *  booked hours and the time since the start (the contract's limit). */
export function parseUsedTime(text: string, limits: { hoursBooked: number; startedAt: number; now: number }): Parsed<number, 'used'> {
  const value = text.trim();
  const clock = /^(\d+):([0-5]\d)$/.exec(value);
  const decimal = /^\d+(?:\.\d+)?$/.test(value);
  if (!clock && !decimal) return { ok: false, errors: { used: `enter the hours used as 1.5 or 1:30 (got "${text}")` } };
  const seconds = clock ? Number(clock[1]) * 3600 + Number(clock[2]) * 60 : Math.round(Number(value) * 3600);
  const booked = limits.hoursBooked * 3600;
  const elapsed = Math.max(0, limits.now - limits.startedAt);
  if (seconds > booked) return { ok: false, errors: { used: `at most the ${limits.hoursBooked} h booked` } };
  if (seconds > elapsed) return { ok: false, errors: { used: `at most the time since the start (${hoursText(elapsed)})` } };
  return { ok: true, value: seconds };
}

/** Seconds as h:mm. */
export function hoursText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

function whole(value: string, min: number, max: number, unit: string, fail: (message: string) => void): number {
  const text = value.trim();
  const number = Number(text);
  if (!/^\d+$/.test(text)) fail(`enter a whole number of ${unit} (got "${value}")`);
  else if (number < min) fail(`must be at least ${min} (got ${number})`);
  else if (number > max) fail(`must be at most ${max} (got ${number})`);
  return number;
}

function done<T, K extends string>(errors: Errors<K>, value: T): Parsed<T, K> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

