// Unix seconds as people read them in messages: "2026-11-20T12:00:00Z".
export function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
