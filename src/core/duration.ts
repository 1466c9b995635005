/**
 * The one way a duration is written, in the engine's messages and in the UI: "0.6 s", "4.3 s",
 * "12 s", "1 min", "3 min 12 s", "2 h 5 min". Tenths only under ten seconds, where they still matter.
 */
export function formatDuration(ms: number): string {
  const safe = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (safe < 9_950) return `${Math.round(safe / 100) / 10} s`;
  const s = Math.round(safe / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
