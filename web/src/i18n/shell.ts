/** UI strings in Traditional Chinese (Taiwan) and English: the page frame (header, language switch, footer) every page shares. */
import type { Catalogue } from './types.js';

export const shell = {
  // --- shell ------------------------------------------------------------------------------------------------------
  'app.title': { 'zh-TW': 'IVS 即時串流測試環境', en: 'IVS Real-Time test environment' },
  'app.skip': { 'zh-TW': '跳到主要內容', en: 'Skip to main content' },
  'nav.label': { 'zh-TW': '主選單', en: 'Main menu' },
  'nav.home': { 'zh-TW': '首頁', en: 'Home' },
  'nav.broadcaster': { 'zh-TW': '直播端', en: 'Broadcaster' },
  'nav.viewer': { 'zh-TW': '觀看端', en: 'Viewer' },
  'nav.cost': { 'zh-TW': '費用估算', en: 'Cost' },
  'nav.tools': { 'zh-TW': '開播前檢查', en: 'Tools' },
  'lang.label': { 'zh-TW': '語言', en: 'Language' },
  'footer.text': {
    'zh-TW': 'Amazon IVS 即時串流測試環境：可部署到 AWS，也可在本機沙盒離線執行。',
    en: 'Amazon IVS Real-Time test environment: deploy to AWS, or run the offline sandbox on one machine.',
  },
  'common.none': { 'zh-TW': '無', en: 'none' },
  'common.no': { 'zh-TW': '否', en: 'no' },
  'common.unknown': { 'zh-TW': '未知', en: 'unknown' },
  'common.loading': { 'zh-TW': '載入中…', en: 'Loading…' },
} satisfies Catalogue;
