// A provider's off-chain profile: its metadataURI, a `data:application/json,` URI holding
// { name, contact } (as the app registers sellers and the seed lists its gateways).
export type ProviderProfile = { name?: string; contact?: string };

const DATA_JSON = /^data:application\/json(;charset=[^,;]+)?(;base64)?,/i;

/** The profile as a seller registers it: percent-encoded JSON, so any name survives as a URI. */
export function profileURI(profile: Required<ProviderProfile>): string {
  return `data:application/json,${encodeURIComponent(JSON.stringify({ name: profile.name, contact: profile.contact }))}`;
}

export function parseProviderProfile(metadataURI: string): ProviderProfile {
  const match = DATA_JSON.exec(metadataURI);
  if (!match) return {};
  const payload = metadataURI.slice(match[0].length);
  let json: unknown;
  try {
    json = JSON.parse(match[2] ? atob(payload) : percentDecoded(payload));
  } catch {
    return {};
  }
  if (!json || typeof json !== 'object') return {};
  const { name, contact } = json as Record<string, unknown>;
  return {
    ...(typeof name === 'string' && name.trim() && { name: name.trim() }),
    ...(typeof contact === 'string' && contact.trim() && { contact: contact.trim() }),
  };
}

/** The seed writes raw JSON, the app percent-encodes it: a raw "%" must not lose the profile. */
function percentDecoded(payload: string): string {
  try {
    return decodeURIComponent(payload);
  } catch {
    return payload;
  }
}

export type ProviderIdentity = { id: number; sourceTag: string | null; isGateway: boolean; metadataURI: string };

/** "Lumen Compute (seller #3)", "Akash (gateway #1)": a name people recognize, and the id that is sure. */
export function providerLabel(provider: ProviderIdentity): string {
  const name = parseProviderProfile(provider.metadataURI).name;
  if (provider.isGateway) return `${name ?? provider.sourceTag ?? 'External network'} (gateway #${provider.id})`;
  return name ? `${name} (seller #${provider.id})` : `Necto seller #${provider.id}`;
}

/** The label of provider `id` among those read, or "provider <id>" when it is not among them. */
export function providerLabelById(providers: readonly ProviderIdentity[], id: number): string {
  const provider = providers.find((p) => p.id === id);
  return provider ? providerLabel(provider) : `provider ${id}`;
}
