/**
 * The console's only script, served from our own origin (no CDN): elements marked data-live are
 * refreshed in place — the dashboard every 10 s, an export's progress every second — and stop once
 * the fragment says it is final. A session that ended reloads the page, which then asks to sign in.
 */
export const CONSOLE_SCRIPT = `'use strict';
for (const el of document.querySelectorAll('[data-live]')) {
  const every = Number(el.dataset.every || 10000);
  const tick = async () => {
    try {
      const res = await fetch(el.dataset.live, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (res.redirected || res.status === 401) return location.reload();
      if (res.ok) el.innerHTML = await res.text();
      if (el.querySelector('[data-final]')) return;
    } catch (_) { /* the next tick tries again */ }
    setTimeout(tick, every);
  };
  if (!el.querySelector('[data-final]')) setTimeout(tick, every);
}
`;
