// A provider's public profile, from its metadataURI: only inline JSON (data:application/json,...)
// is read, so showing a provider never asks another host.
export type ProviderProfile = { name?: string; contact?: string };

export function parseProviderProfile(metadataURI: string): ProviderProfile {
  const match = /^data:application\/json(;[^,]*)?,(.*)$/is.exec(metadataURI.trim());
  if (!match) return {};
  let json: unknown;
  try {
    const body = /;base64/i.test(match[1] ?? '') ? atob(match[2]!) : decodeURIComponentSafe(match[2]!);
    json = JSON.parse(body);
  } catch {
    return {};
  }
  if (!json || typeof json !== 'object') return {};
  const { name, contact } = json as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  return { ...(text(name) && { name: text(name) }), ...(text(contact) && { contact: text(contact) }) };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
