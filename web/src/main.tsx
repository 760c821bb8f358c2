// The dealer's pages: one client, one shell.
import { render } from 'preact';
import { FairClient } from './fair/client';
import { rememberedLang, setLang } from './i18n';
import { App } from './ui/app';

const client = new FairClient('/ws');
// the remembered language first (its words may be a chunk to load; <html lang> too), then the pages
void setLang(rememberedLang()).finally(() => render(<App client={client} />, document.getElementById('app')!));

// the shell and the pictures on a bad connection (sw.ts); not where the page cannot have one
if ('serviceWorker' in navigator && isSecureContext) {
  addEventListener('load', () => { navigator.serviceWorker.register('/sw.js').catch(() => undefined); });
}
