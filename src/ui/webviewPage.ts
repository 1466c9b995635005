import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Parsed } from '../shared/validate';

/**
 * The page of a webview panel: its bundle from `media/FOLDER/dist/` under a CSP that allows
 * only that script (by nonce) and the webview's own resources; no inline script or style.
 */
export function webviewHtml(webview: vscode.Webview, media: vscode.Uri, folder: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, folder, 'dist', 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, folder, 'dist', 'main.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}" nonce="${nonce}">
  <title>${title}</title>
</head>
<body>
  <main id="app" data-state="loading"><p class="empty">Loading…</p></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** Hands each message from the webview that passes `parse` to `handle`; logs and drops the rest. */
export function onValidMessage<T>(webview: vscode.Webview, parse: (x: unknown) => Parsed<T>, what: string, handle: (message: T) => void): vscode.Disposable {
  return webview.onDidReceiveMessage((raw: unknown) => {
    const parsed = parse(raw);
    if (parsed.ok) handle(parsed.value);
    else console.warn(`Dev Processes: ignored a message from the ${what}: ${parsed.error}`);
  });
}
