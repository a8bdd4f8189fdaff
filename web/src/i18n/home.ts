/** UI strings in Traditional Chinese (Taiwan) and English: the home page (web/pages/index.html). */
import type { Catalogue } from './types.js';

export const home = {
  // --- home -------------------------------------------------------------------------------------------------------
  'home.title': { 'zh-TW': 'IVS 即時串流測試', en: 'IVS Real-Time streaming test' },
  'home.intro': {
    'zh-TW': '開啟直播端發佈攝影機畫面，再用一或多個觀看端確認畫面、延遲與人數。',
    en: 'Open the broadcaster to publish your camera, then check picture, latency and counts from one or more viewers.',
  },
  'home.backend.heading': { 'zh-TW': '後端', en: 'Backend' },
  'home.backend.aws': { 'zh-TW': 'AWS（Amazon IVS）', en: 'AWS (Amazon IVS)' },
  'home.backend.sandbox': { 'zh-TW': '本機沙盒（不連 AWS）', en: 'Local sandbox (no AWS)' },
  'home.backend.paste': {
    'zh-TW': '未設定後端：請貼上參與者權杖（例如由 AWS CLI 產生）。',
    en: 'No backend configured: paste a participant token (e.g. made with the AWS CLI).',
  },
  'home.backend.problem': { 'zh-TW': '設定檔有問題：{detail}', en: 'Problem with the configuration: {detail}' },
  'home.backend.api': { 'zh-TW': '權杖 API', en: 'Token API' },
  'home.backend.region': { 'zh-TW': '區域', en: 'Region' },
  'home.backend.stage': { 'zh-TW': 'Stage', en: 'Stage' },
  'home.backend.viewerAccess': { 'zh-TW': '觀看權限', en: 'Viewer access' },
  'home.backend.signIn': { 'zh-TW': '直播端登入', en: 'Broadcaster sign-in' },
  'home.access.public': { 'zh-TW': '公開（不需登入）', en: 'public (no sign-in)' },
  'home.access.signed-in': { 'zh-TW': '需要登入', en: 'signed-in users only' },
  'home.signIn.cognito': { 'zh-TW': 'Cognito 登入頁', en: 'Cognito hosted UI' },
  'home.signIn.none': { 'zh-TW': '不需要', en: 'not required' },
  'home.tokens.heading': { 'zh-TW': '權杖狀態', en: 'Token status' },
  'home.tokens.publisher': { 'zh-TW': '直播端權杖', en: 'Broadcaster token' },
  'home.tokens.viewer': { 'zh-TW': '觀看端權杖', en: 'Viewer token' },
  'home.tokens.none': { 'zh-TW': '尚未取得', en: 'none yet' },
  'home.tokens.valid': { 'zh-TW': '{user}，剩 {left}', en: '{user}, {left} left' },
  'home.tokens.expired': { 'zh-TW': '已過期', en: 'expired' },
  'home.tokens.session': { 'zh-TW': '登入身分', en: 'Signed in as' },
  'home.tokens.notSignedIn': { 'zh-TW': '未登入', en: 'not signed in' },
  'home.pages.heading': { 'zh-TW': '頁面', en: 'Pages' },
  'home.pages.broadcaster': {
    'zh-TW': '選擇攝影機與麥克風、預覽、設定畫質後開始直播。',
    en: 'Pick camera and mic, preview, choose a quality and go live.',
  },
  'home.pages.viewer': {
    'zh-TW': '觀看 stage 上所有直播者（最多 12 位）。',
    en: 'Watch every publisher on the stage (up to 12).',
  },
  'home.pages.cost': { 'zh-TW': '估算參與者時數與費用。', en: 'Estimate participant-hours and cost.' },
  'home.pages.tools': {
    'zh-TW': '開播前檢查瀏覽器、攝影機、麥克風、權杖與時鐘。',
    en: 'Check browser, camera, microphone, token and clock before going live.',
  },
  'home.help.heading': { 'zh-TW': '沒有畫面？', en: 'No picture?' },
  'home.help.https': {
    'zh-TW': '攝影機需要 HTTPS 或 localhost。',
    en: 'The camera needs HTTPS or localhost.',
  },
  'home.help.permission': {
    'zh-TW': '瀏覽器詢問時請允許使用攝影機與麥克風。',
    en: 'Allow camera and microphone when the browser asks.',
  },
  'home.help.token': {
    'zh-TW': '直播端需要有 PUBLISH 權限的權杖，觀看端需要 SUBSCRIBE 權限。',
    en: 'The broadcaster needs a token with PUBLISH, a viewer one with SUBSCRIBE.',
  },
} satisfies Catalogue;
