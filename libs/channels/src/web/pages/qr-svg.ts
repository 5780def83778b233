import QRCode from 'qrcode';
import { esc } from './html.js';

/** The quiet zone the QR standard asks for around the symbol, in modules. */
const QUIET = 4;

/**
 * A QR code as inline SVG: one path of dark modules on white, drawn here so the page loads
 * nothing from elsewhere. Level M recovers from a scuffed or glare-struck phone screen.
 */
export function qrSvg(text: string, label: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size + 2 * QUIET;
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) path += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
    }
  }
  return `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${esc(label)}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}
