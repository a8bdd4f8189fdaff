import { applyTranslations, initLang } from '../i18n/index.js';

initLang();
applyTranslations(document);
