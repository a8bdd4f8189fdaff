/**
 * What every page does first: pick the language (remembered choice, else the browser's), translate the static
 * HTML, wire the language switcher (#lang-select) and mark the current page in the navigation.
 */
import { applyTranslations, getLang, initLang, onLangChange, setLang } from '../i18n/index.js';
import { LANGS, type Lang } from '../i18n/types.js';

export function initShell(): void {
  initLang();
  applyTranslations(document);
  const select = document.getElementById('lang-select');
  if (select instanceof HTMLSelectElement) {
    select.value = getLang();
    select.addEventListener('change', () => {
      if ((LANGS as readonly string[]).includes(select.value)) setLang(select.value as Lang);
    });
    onLangChange((lang) => {
      select.value = lang;
    });
  }
  const page = document.body.dataset['page'];
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (link.dataset['page'] === page) link.setAttribute('aria-current', 'page');
  }
}
