/** UI strings in Traditional Chinese (Taiwan) and English: the token card (web/src/ui/token-panel.ts) and the token API's error codes as the pages word them. */
import type { Catalogue } from './types.js';

export const tokenPanel = {
  // --- token panel ------------------------------------------------------------------------------------------------
  'token.heading': { 'zh-TW': '參與者權杖', en: 'Participant token' },
  'token.fetch': { 'zh-TW': '從 API 取得權杖', en: 'Get a token from the API' },
  'token.fetching': { 'zh-TW': '正在取得權杖…', en: 'Getting a token…' },
  'token.fetched': { 'zh-TW': '已從 API 取得權杖', en: 'Got a token from the API' },
  'token.paste.label': { 'zh-TW': '或貼上權杖', en: 'Or paste a token' },
  'token.paste.hint': {
    'zh-TW': '可貼上 JWT、"Bearer …" 或 create-participant-token 的整段 JSON 輸出。',
    en: 'A JWT, "Bearer …", or the whole JSON output of create-participant-token.',
  },
  'token.use': { 'zh-TW': '使用貼上的權杖', en: 'Use pasted token' },
  'token.clear': { 'zh-TW': '清除權杖', en: 'Clear token' },
  'token.cleared': { 'zh-TW': '已清除權杖', en: 'Token cleared' },
  'token.accepted': { 'zh-TW': '權杖可用：{role}，使用者 {user}', en: 'Token ready: {role}, user {user}' },
  'token.role': { 'zh-TW': '角色', en: 'Role' },
  'token.user': { 'zh-TW': '使用者', en: 'User' },
  'token.stage': { 'zh-TW': 'Stage', en: 'Stage' },
  'token.expires': { 'zh-TW': '到期', en: 'Expires' },
  'token.driver': { 'zh-TW': '連線方式', en: 'Driver' },
  'token.driver.ivs': { 'zh-TW': 'Amazon IVS SDK', en: 'Amazon IVS SDK' },
  'token.driver.sandbox': { 'zh-TW': '本機沙盒', en: 'Local sandbox' },
  'token.role.publisher': { 'zh-TW': '直播者（PUBLISH）', en: 'publisher (PUBLISH)' },
  'token.role.viewer': { 'zh-TW': '觀看者（SUBSCRIBE）', en: 'viewer (SUBSCRIBE)' },
  'token.role.none': { 'zh-TW': '無權限', en: 'no capability' },
  'token.countdown': { 'zh-TW': '剩 {left}', en: '{left} left' },
  'token.expiredNow': { 'zh-TW': '已過期', en: 'expired' },
  'token.none': { 'zh-TW': '尚未設定權杖', en: 'No token yet' },
  'auth.signIn': { 'zh-TW': '登入', en: 'Sign in' },
  'auth.signOut': { 'zh-TW': '登出', en: 'Sign out' },
  'auth.signedIn': { 'zh-TW': '已登入：{user}', en: 'Signed in as {user}' },
  'auth.signedOut': { 'zh-TW': '尚未登入；直播端需先登入才能取得權杖。', en: 'Not signed in; broadcasters sign in to get a token.' },
  'auth.failed': { 'zh-TW': '登入失敗：{detail}', en: 'Sign-in failed: {detail}' },

  // --- token API errors (TokenApiError codes) ------------------------------------------------------------------
  'api.error.CORS': {
    'zh-TW': '權杖 API（{detail}）不接受來自這個頁面的請求（CORS）。沙盒：用 npm start -- --allow-origin 加上這個頁面的來源；AWS：把它加入 allowedOrigins 後重新部署。或貼上用 npm run token 產生的權杖。',
    en: 'The token API ({detail}) does not accept requests from this page (CORS). Sandbox: npm start -- --allow-origin with this page\'s origin; AWS: add it to allowedOrigins and deploy again. Or paste a token made with npm run token.',
  },
  'api.error.PRIVATE_NETWORK': {
    'zh-TW': '瀏覽器不允許這個頁面連到私人網路上的權杖 API（{detail}）。請在網站設定中允許「區域網路存取」，或貼上用 npm run token 產生的權杖。',
    en: 'The browser blocked this page from reaching the token API ({detail}) on your private network. Allow local network access in the site settings, or paste a token made with npm run token.',
  },
  'api.error.UNREACHABLE': {
    'zh-TW': '權杖 API（{detail}）沒有回應。沙盒：確認 npm start 正在執行；AWS：確認 stack 已部署（npm run verify -- --stack IvsTestEnv）。也可以貼上權杖。',
    en: 'The token API ({detail}) does not answer. Sandbox: check that npm start is running; AWS: check the stack is deployed (npm run verify -- --stack IvsTestEnv). Or paste a token.',
  },
  'api.error.NETWORK': {
    'zh-TW': '瀏覽器目前離線，無法連到權杖 API（{detail}）。請檢查網路連線。',
    en: 'The browser is offline, so the token API cannot be reached ({detail}). Check the network connection.',
  },
  'api.error.UNAUTHORIZED': {
    'zh-TW': '權杖 API 需要登入，或登入已過期。請重新登入。',
    en: 'The token API needs you to sign in, or your sign-in expired. Sign in again.',
  },
  'api.error.FORBIDDEN': {
    'zh-TW': '您的帳號沒有取得此角色權杖的權限（{detail}）。',
    en: 'Your account may not get a token for this role ({detail}).',
  },
  'api.error.THROTTLED': {
    'zh-TW': '請求太頻繁，請稍候再試。',
    en: 'Too many requests; wait a moment and try again.',
  },
  'api.error.other': {
    'zh-TW': '權杖 API 錯誤 {code}：{detail}',
    en: 'Token API error {code}: {detail}',
  },
  'api.noApi': {
    'zh-TW': '此站台沒有權杖 API；請貼上權杖。',
    en: 'This site has no token API; paste a token.',
  },
} satisfies Catalogue;
