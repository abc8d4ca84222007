import { encodeQr, qrSvg } from '../shared/qr/encode.js';
import { html, Html } from '../shared/html.js';

/** What the printed reception sheet shows. */
export interface KioskSheet {
  schoolName: string;
  policyTitle: string;
  /** The full address the code opens. */
  url: string;
  /** The same address as printed for typing (the token in groups of four). */
  shortUrl: string;
  expiresAt: Date;
}

const SHEET_CSS = `@page{size:A4 portrait;margin:15mm}
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff}
main{max-width:180mm;margin:0 auto;padding:10mm 0;text-align:center}
.school{font-size:16pt;font-weight:bold;margin:0 0 6mm}
h1{font-size:34pt;line-height:1.15;margin:0 0 4mm}
.lead{font-size:18pt;margin:0 0 8mm}
.code{width:110mm;height:110mm;margin:0 auto 6mm;display:block}
.code svg{width:100%;height:100%}
.type{font-size:14pt;margin:0 0 2mm}
.url{font-family:"Courier New",monospace;font-size:17pt;font-weight:bold;word-break:break-all;margin:0 0 8mm}
ol{text-align:left;font-size:14pt;line-height:1.5;max-width:150mm;margin:0 auto 8mm}
.small{font-size:10pt;color:#383f43;margin:0}
@media screen{body{background:#f3f2f1}main{background:#fff;padding:15mm;margin:10mm auto}}`;

/** The A4 sheet for reception: the QR code and short address of a kiosk link, in plain words for visitors. */
export function kioskSheetHtml(sheet: KioskSheet): string {
  const svg = new Html(qrSvg(encodeQr(sheet.url), `QR code: opens ${sheet.shortUrl}`));
  const until = sheet.expiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Visitors: please sign – ${sheet.schoolName}</title><style>${new Html(SHEET_CSS)}</style></head>
<body><main>
<p class="school">${sheet.schoolName}</p>
<h1>Visiting? Scan to read and sign</h1>
<p class="lead">Before you start, please read and sign our “${sheet.policyTitle}”. It takes about two minutes.</p>
<div class="code">${svg}</div>
<p class="type">No camera? Type this address into your phone’s browser:</p>
<p class="url">${sheet.shortUrl}</p>
<ol>
<li>Point your phone’s camera at the code and open the link.</li>
<li>Read the agreement.</li>
<li>Type your name, tick the box and press “I agree”.</li>
</ol>
<p class="small">Your name is kept by the school with the date and the version you signed. Nobody else signing here can see it. No phone? Please ask at reception.</p>
<p class="small">This sheet works until ${until}.</p>
</main></body></html>
`.value;
}
