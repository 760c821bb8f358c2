// The dealer's pages: one client, one shell.
import { render } from 'preact';
import { FairClient } from './fair/client';
import { currentLang, setLang } from './i18n';
import { App } from './ui/app';

setLang(currentLang()); // sets <html lang> from the remembered choice
const client = new FairClient('/ws');
render(<App client={client} />, document.getElementById('app')!);

// the shell and the pictures on a bad connection (sw.ts); not where the page cannot have one
if ('serviceWorker' in navigator && isSecureContext) {
  addEventListener('load', () => { navigator.serviceWorker.register('/sw.js').catch(() => undefined); });
}
