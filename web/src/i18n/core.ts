/**
 * UI strings of the home, broadcaster and viewer pages, in Traditional Chinese (Taiwan) and English. Error
 * messages are keyed `error.<StageErrorReason>` (web/src/stage/errors.ts) and say what to do, not just what broke.
 */
import type { Catalogue } from './types.js';

export const core = {
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
  'common.yes': { 'zh-TW': '是', en: 'yes' },
  'common.no': { 'zh-TW': '否', en: 'no' },
  'common.unknown': { 'zh-TW': '未知', en: 'unknown' },
  'common.loading': { 'zh-TW': '載入中…', en: 'Loading…' },

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
  'token.expiringSoon': {
    'zh-TW': '權杖將在 {left} 後到期；到期後需要新的權杖才能重新連線。',
    en: 'The token expires in {left}; reconnecting after that needs a new token.',
  },
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
  'api.viewerNeedsSignIn': {
    'zh-TW': '觀看端需登入後才能取得權杖。',
    en: 'Viewers must sign in to get a token here.',
  },

  // --- connection and media status --------------------------------------------------------------------------------
  'status.heading': { 'zh-TW': '狀態', en: 'Status' },
  'status.connection': { 'zh-TW': '連線', en: 'Connection' },
  'status.camera': { 'zh-TW': '攝影機', en: 'Camera' },
  'status.mic': { 'zh-TW': '麥克風', en: 'Microphone' },
  'status.live': { 'zh-TW': '直播時間', en: 'Live for' },
  'status.watch': { 'zh-TW': '觀看時間', en: 'Watching for' },
  'status.publishers': { 'zh-TW': '直播者', en: 'Publishers' },
  'status.viewers': { 'zh-TW': '觀看者', en: 'Viewers' },
  'status.reconnectIn': { 'zh-TW': '（第 {attempt} 次重新連線）', en: ' (reconnect attempt {attempt})' },
  'state.idle': { 'zh-TW': '未連線', en: 'not connected' },
  'state.connecting': { 'zh-TW': '連線中…', en: 'connecting…' },
  'state.connected': { 'zh-TW': '已連線', en: 'connected' },
  'state.reconnecting': { 'zh-TW': '網路中斷，重新連線中…', en: 'network lost, reconnecting…' },
  'state.disconnected': { 'zh-TW': '已離開', en: 'disconnected' },
  'state.failed': { 'zh-TW': '連線失敗', en: 'failed' },
  'device.off': { 'zh-TW': '關閉', en: 'off' },
  'device.on': { 'zh-TW': '開啟', en: 'on' },
  'device.muted': { 'zh-TW': '已靜音', en: 'muted' },
  'device.hidden': { 'zh-TW': '已關閉畫面', en: 'hidden' },
  'device.ended': { 'zh-TW': '裝置已中斷', en: 'device ended' },

  // --- broadcaster ------------------------------------------------------------------------------------------------
  'bc.title': { 'zh-TW': '直播端', en: 'Broadcaster' },
  'bc.devices.heading': { 'zh-TW': '攝影機與麥克風', en: 'Camera and microphone' },
  'bc.camera': { 'zh-TW': '攝影機', en: 'Camera' },
  'bc.mic': { 'zh-TW': '麥克風', en: 'Microphone' },
  'bc.quality': { 'zh-TW': '畫質', en: 'Quality' },
  'bc.quality.option': {
    'zh-TW': '{id}（{width}×{height}，{fps} fps，最高 {kbps} kbps）',
    en: '{id} ({width}×{height}, {fps} fps, up to {kbps} kbps)',
  },
  'bc.device.default': { 'zh-TW': '預設裝置', en: 'Default device' },
  'bc.device.unnamed': { 'zh-TW': '{kind} {n}', en: '{kind} {n}' },
  'bc.preview': { 'zh-TW': '預覽', en: 'Preview' },
  'bc.preview.start': { 'zh-TW': '開啟攝影機', en: 'Start camera' },
  'bc.preview.stop': { 'zh-TW': '關閉攝影機', en: 'Stop camera' },
  'bc.preview.empty': { 'zh-TW': '攝影機尚未開啟', en: 'Camera is off' },
  'bc.start': { 'zh-TW': '開始直播', en: 'Go live' },
  'bc.stop': { 'zh-TW': '停止直播', en: 'Stop' },
  'bc.muteVideo': { 'zh-TW': '關閉畫面', en: 'Hide camera' },
  'bc.unmuteVideo': { 'zh-TW': '開啟畫面', en: 'Show camera' },
  'bc.muteAudio': { 'zh-TW': '麥克風靜音', en: 'Mute mic' },
  'bc.unmuteAudio': { 'zh-TW': '取消靜音', en: 'Unmute mic' },
  'bc.live': { 'zh-TW': '直播中', en: 'Live' },
  'bc.cameraOpened': { 'zh-TW': '攝影機已開啟：{width}×{height}', en: 'Camera on: {width}×{height}' },
  'bc.cameraClosed': { 'zh-TW': '攝影機已關閉', en: 'Camera off' },
  'bc.trackEnded': {
    'zh-TW': '{kind}已中斷（拔除或被其他程式占用）。請重新選擇裝置。',
    en: 'The {kind} stopped (unplugged or taken by another app). Pick a device again.',
  },
  'bc.publishing': { 'zh-TW': '開始直播：{quality}', en: 'Going live at {quality}' },
  'bc.stopped': { 'zh-TW': '已停止直播', en: 'Stopped broadcasting' },
  'bc.qualityWhileLive': {
    'zh-TW': '畫質與裝置變更會在下次開始直播時生效。',
    en: 'Quality and device changes apply the next time you go live.',
  },

  // --- viewer -----------------------------------------------------------------------------------------------------
  'vw.title': { 'zh-TW': '觀看端', en: 'Viewer' },
  'vw.join': { 'zh-TW': '加入觀看', en: 'Join' },
  'vw.leave': { 'zh-TW': '離開', en: 'Leave' },
  'vw.grid': { 'zh-TW': '直播畫面', en: 'Streams' },
  'vw.empty': { 'zh-TW': '目前沒有人在直播，等候直播者加入…', en: 'Nobody is publishing yet; waiting for a broadcaster…' },
  'vw.notJoined': { 'zh-TW': '加入後會在這裡顯示所有直播者。', en: 'Join to see every publisher here.' },
  'vw.play': { 'zh-TW': '點此播放', en: 'Click to play' },
  'vw.unmute': { 'zh-TW': '點此開啟聲音', en: 'Click to unmute' },
  'vw.autoplayBlocked': {
    'zh-TW': '瀏覽器阻擋了自動播放，請按「點此播放」。',
    en: 'The browser blocked autoplay; press "Click to play".',
  },
  'vw.mutedAutoplay': {
    'zh-TW': '已靜音播放（瀏覽器限制），按「點此開啟聲音」可聽到聲音。',
    en: 'Playing muted (browser policy); press "Click to unmute" to hear it.',
  },
  'vw.tile.label': { 'zh-TW': '{user}', en: '{user}' },
  'vw.tile.videoMuted': { 'zh-TW': '畫面已關閉', en: 'camera off' },
  'vw.tile.audioMuted': { 'zh-TW': '靜音', en: 'muted' },
  'vw.tile.waiting': { 'zh-TW': '等待畫面…', en: 'waiting for video…' },
  'vw.publisherJoined': { 'zh-TW': '{user} 開始直播', en: '{user} started publishing' },
  'vw.publisherLeft': { 'zh-TW': '{user} 已停止直播', en: '{user} stopped publishing' },
  'vw.joined': { 'zh-TW': '已加入 stage', en: 'Joined the stage' },
  'vw.left': { 'zh-TW': '已離開 stage', en: 'Left the stage' },
  'vw.tooMany': {
    'zh-TW': '只顯示前 {max} 位直播者。',
    en: 'Showing the first {max} publishers only.',
  },

  // --- event log --------------------------------------------------------------------------------------------------
  'log.heading': { 'zh-TW': '事件紀錄', en: 'Event log' },
  'log.level': { 'zh-TW': '層級', en: 'Level' },
  'log.level.all': { 'zh-TW': '全部', en: 'All' },
  'log.level.info': { 'zh-TW': '資訊以上', en: 'Info and up' },
  'log.level.warn': { 'zh-TW': '警告以上', en: 'Warnings and up' },
  'log.level.error': { 'zh-TW': '只顯示錯誤', en: 'Errors only' },
  'log.filter': { 'zh-TW': '篩選', en: 'Filter' },
  'log.filter.placeholder': { 'zh-TW': '輸入文字篩選…', en: 'Type to filter…' },
  'log.copy': { 'zh-TW': '複製 JSON', en: 'Copy JSON' },
  'log.download': { 'zh-TW': '下載 JSON', en: 'Download JSON' },
  'log.clear': { 'zh-TW': '清除', en: 'Clear' },
  'log.copied': { 'zh-TW': '已複製到剪貼簿', en: 'Copied to the clipboard' },
  'log.copyFailed': { 'zh-TW': '無法複製，請改用下載', en: 'Could not copy; use download instead' },
  'log.downloaded': { 'zh-TW': '已下載', en: 'Downloaded' },
  'log.pageLoaded': { 'zh-TW': '頁面已載入（{backend}）', en: 'Page loaded ({backend})' },
  'log.stateChanged': { 'zh-TW': '連線狀態：{state}', en: 'Connection: {state}' },
  'log.counts': { 'zh-TW': '直播者 {publishers}，觀看者 {viewers}', en: '{publishers} publishers, {viewers} viewers' },
  'log.error': { 'zh-TW': '錯誤：{message}', en: 'Error: {message}' },

  // --- panels (mounted by web/src/measure/) ---------------------------------------------------------------------
  'panel.stats': { 'zh-TW': '即時統計', en: 'Live statistics' },
  'panel.latency': { 'zh-TW': '延遲量測', en: 'Latency' },

  // --- tools page (check before you go live) ---------------------------------------------------------------------
  'tools.title': { 'zh-TW': '開播前檢查', en: 'Check before you go live' },
  'tools.intro': {
    'zh-TW': '在開始直播前確認瀏覽器、攝影機與麥克風、權杖和時鐘。這一頁不會連線到 stage，權杖也不會傳送到任何地方。',
    en: 'Check the browser, camera and microphone, your token and the clock before going live. This page joins no stage and sends your token nowhere.',
  },
  'tools.env.heading': { 'zh-TW': '瀏覽器環境', en: 'Browser environment' },
  'tools.env.rerun': { 'zh-TW': '重新檢查', en: 'Check again' },
  'tools.env.summary.pass': { 'zh-TW': '全部通過：這個瀏覽器可以直播與觀看。', en: 'All passed: this browser can broadcast and watch.' },
  'tools.env.summary.warn': { 'zh-TW': '可以使用，但請看下方標示「注意」的項目。', en: 'Usable, but read the lines marked “check”.' },
  'tools.env.summary.fail': { 'zh-TW': '有項目未通過：請依下方說明處理後再直播。', en: 'Something failed: fix it as described below before going live.' },
  'tools.status.pass': { 'zh-TW': '通過', en: 'pass' },
  'tools.status.warn': { 'zh-TW': '注意', en: 'check' },
  'tools.status.fail': { 'zh-TW': '未通過', en: 'fail' },
  'tools.env.secureContext.pass': { 'zh-TW': '安全連線（HTTPS 或 localhost）：可使用攝影機。', en: 'Secure context (HTTPS or localhost): the camera may be used.' },
  'tools.env.secureContext.fail': {
    'zh-TW': '不是安全連線：攝影機與麥克風只能在 HTTPS 或 localhost 使用。請用 https:// 或 http://localhost 開啟本頁（區網 IP 的 http:// 不行）。',
    en: 'Not a secure context: camera and microphone work only over HTTPS or on localhost. Open this page with https:// or http://localhost (http:// on a LAN address will not do).',
  },
  'tools.env.getUserMedia.pass': { 'zh-TW': '可以開啟攝影機與麥克風（getUserMedia）。', en: 'Camera and microphone can be opened (getUserMedia).' },
  'tools.env.getUserMedia.fail': {
    'zh-TW': '此瀏覽器無法開啟攝影機（沒有 getUserMedia）。請使用最新版 Chrome、Edge、Firefox 或 Safari。',
    en: 'This browser cannot open a camera (no getUserMedia). Use a current Chrome, Edge, Firefox or Safari.',
  },
  'tools.env.getUserMedia.failInsecure': {
    'zh-TW': '瀏覽器在非安全連線下隱藏了攝影機功能（getUserMedia）。改用 HTTPS 或 localhost 即可。',
    en: 'The browser hides the camera (getUserMedia) outside a secure context. Use HTTPS or localhost.',
  },
  'tools.env.enumerateDevices.pass': { 'zh-TW': '可以列出攝影機與麥克風（enumerateDevices）。', en: 'Cameras and microphones can be listed (enumerateDevices).' },
  'tools.env.enumerateDevices.fail': {
    'zh-TW': '無法列出裝置（沒有 enumerateDevices），只能使用預設裝置。請使用最新版瀏覽器。',
    en: 'Devices cannot be listed (no enumerateDevices); only the default ones can be used. Use a current browser.',
  },
  'tools.env.enumerateDevices.failInsecure': {
    'zh-TW': '瀏覽器在非安全連線下不列出裝置。改用 HTTPS 或 localhost 即可。',
    en: 'The browser lists no devices outside a secure context. Use HTTPS or localhost.',
  },
  'tools.env.peerConnection.pass': { 'zh-TW': '支援 WebRTC（RTCPeerConnection）。', en: 'WebRTC is available (RTCPeerConnection).' },
  'tools.env.peerConnection.fail': {
    'zh-TW': '沒有 WebRTC（RTCPeerConnection）：無法直播或觀看。請關閉停用 WebRTC 的擴充功能，或改用最新版 Chrome、Edge、Firefox 或 Safari。',
    en: 'No WebRTC (RTCPeerConnection): neither broadcasting nor watching will work. Disable extensions that block WebRTC, or use a current Chrome, Edge, Firefox or Safari.',
  },
  'tools.env.codecs.pass': { 'zh-TW': '可傳送的視訊編碼：{codecs}。', en: 'Video codecs this browser can send: {codecs}.' },
  'tools.env.codecs.warn': {
    'zh-TW': '瀏覽器沒有列出可傳送的視訊編碼；開始直播時才會知道是否支援 H.264 或 VP8。',
    en: 'The browser does not list the video codecs it can send; whether it has H.264 or VP8 shows only when you go live.',
  },
  'tools.env.codecs.fail': {
    'zh-TW': '此瀏覽器無法傳送 H.264 或 VP8 視訊，無法直播。請改用最新版 Chrome、Edge、Firefox 或 Safari。',
    en: 'This browser can send neither H.264 nor VP8 video, so it cannot broadcast. Use a current Chrome, Edge, Firefox or Safari.',
  },
  'tools.env.browser.pass': { 'zh-TW': '瀏覽器：{browser}（IVS SDK 支援）。', en: 'Browser: {browser} (supported by the IVS SDK).' },
  'tools.env.browser.warn': {
    'zh-TW': '瀏覽器：{browser}，不在 IVS SDK 支援清單中（Chrome、Edge、Firefox、Safari）。可能可以使用，但建議改用其中之一。',
    en: 'Browser: {browser}, not on the IVS SDK list (Chrome, Edge, Firefox, Safari). It may work; one of those is safer.',
  },
  'tools.env.browser.unknown': { 'zh-TW': '無法辨識', en: 'not recognised' },

  'tools.media.heading': { 'zh-TW': '攝影機與麥克風測試', en: 'Camera and microphone test' },
  'tools.media.intro': {
    'zh-TW': '開啟後應看到自己的畫面；對麥克風說話時音量條會跳動。畫面只在這一頁顯示，不會傳出去。',
    en: 'You should see yourself; the level bar moves when you speak. Nothing leaves this page.',
  },
  'tools.media.start': { 'zh-TW': '開始測試', en: 'Start test' },
  'tools.media.stop': { 'zh-TW': '停止測試', en: 'Stop test' },
  'tools.media.level': { 'zh-TW': '麥克風音量', en: 'Microphone level' },
  'tools.media.on': { 'zh-TW': '攝影機 {width}×{height}，麥克風：{mic}', en: 'Camera {width}×{height}, microphone: {mic}' },
  'tools.media.off': { 'zh-TW': '測試尚未開始', en: 'Not started' },
  'tools.media.silent': {
    'zh-TW': '麥克風幾秒內都沒有聲音：請確認沒有靜音、選對裝置，或在系統設定中調高輸入音量。',
    en: 'No sound from the microphone for a few seconds: check it is not muted, the right device is picked, or raise the input volume in the system settings.',
  },

  'tools.token.heading': { 'zh-TW': '權杖檢查', en: 'Token inspector' },
  'tools.token.intro': {
    'zh-TW': '貼上權杖即可看到內容與能否使用。權杖只在這個頁面解碼，不會傳送到任何地方（簽章由伺服器驗證）。',
    en: 'Paste a token to see what is in it and whether it can be used. It is decoded in this page only and sent nowhere (the server checks the signature).',
  },
  'tools.token.label': { 'zh-TW': '權杖', en: 'Token' },
  'tools.token.inspect': { 'zh-TW': '檢查', en: 'Inspect' },
  'tools.token.clear': { 'zh-TW': '清除', en: 'Clear' },
  'tools.token.ok': { 'zh-TW': '可以使用：{pages}。', en: 'Usable on: {pages}.' },
  'tools.token.pages': { 'zh-TW': '可用頁面', en: 'Works on' },
  'tools.token.pages.broadcaster': { 'zh-TW': '直播端', en: 'broadcaster' },
  'tools.token.pages.viewer': { 'zh-TW': '觀看端', en: 'viewer' },
  'tools.token.pages.none': { 'zh-TW': '無', en: 'none' },
  'tools.token.capabilities': { 'zh-TW': '權限', en: 'Capabilities' },
  'tools.token.participant': { 'zh-TW': '參與者 ID', en: 'Participant id' },
  'tools.token.issued': { 'zh-TW': '簽發時間', en: 'Issued' },
  'tools.token.header': { 'zh-TW': '標頭（header）', en: 'Header' },
  'tools.token.claims': { 'zh-TW': '內容（claims）', en: 'Claims' },
  'tools.token.raw': { 'zh-TW': '解碼後的標頭與內容', en: 'Decoded header and claims' },
  'tools.token.empty': { 'zh-TW': '請先貼上權杖。', en: 'Paste a token first.' },

  'tools.clock.heading': { 'zh-TW': '時鐘校正', en: 'Clock sync' },
  'tools.clock.intro': {
    'zh-TW': '延遲量測在直播端蓋上時間、在觀看端讀取。兩端在不同電腦時，兩台電腦的時鐘差會直接算進延遲，所以兩端都會對權杖 API 的 GET /time 校正；誤差越小，跨機器的延遲數字越可信。',
    en: 'The latency probe stamps frames on the broadcaster and reads them on the viewer. On two machines, any difference between their clocks adds straight into the latency, so both sync to the token API’s GET /time; the smaller the error, the more a cross-machine latency figure can be trusted.',
  },
  'tools.clock.run': { 'zh-TW': '校正時鐘', en: 'Sync clock' },
  'tools.clock.running': { 'zh-TW': '校正中…', en: 'Syncing…' },
  'tools.clock.noApi': {
    'zh-TW': '此站台的 config.json 沒有權杖 API，無法校正時鐘；跨機器的延遲量測會包含兩台電腦的時鐘差。',
    en: 'This site’s config.json names no token API, so the clock cannot be synced; a cross-machine latency figure includes the two clocks’ difference.',
  },
  'tools.clock.failed': { 'zh-TW': '時鐘校正失敗：{detail}', en: 'Clock sync failed: {detail}' },
  'tools.clock.offset': { 'zh-TW': '本機與伺服器時差', en: 'Offset to the server' },
  'tools.clock.error': { 'zh-TW': '誤差', en: 'Error' },
  'tools.clock.rtt': { 'zh-TW': '最短來回時間', en: 'Best round trip' },
  'tools.clock.samples': { 'zh-TW': '有效樣本', en: 'Usable samples' },
  'tools.clock.ms': { 'zh-TW': '{value} ms', en: '{value} ms' },
  'tools.clock.good': {
    'zh-TW': '誤差在 ±{error} ms 內：跨機器的延遲量測可信到這個程度。',
    en: 'Within ±{error} ms: a cross-machine latency figure is good to about that much.',
  },

  // --- errors: what happened and what to do (keys: error.<StageErrorReason>) -----------------------------------
  'error.heading': { 'zh-TW': '發生問題', en: 'Something went wrong' },
  'error.dismiss': { 'zh-TW': '關閉訊息', en: 'Dismiss' },
  'error.tokenMissing': {
    'zh-TW': '還沒有權杖。請從 API 取得或貼上一個權杖。',
    en: 'There is no token yet. Get one from the API or paste one.',
  },
  'error.tokenMalformed': {
    'zh-TW': '這不是有效的參與者權杖（{detail}）。請重新複製完整的權杖。',
    en: 'This is not a valid participant token ({detail}). Copy the whole token again.',
  },
  'error.tokenExpired': {
    'zh-TW': '權杖已過期。請取得新的權杖。',
    en: 'The token has expired. Get a new token.',
  },
  'error.tokenNotYetValid': {
    'zh-TW': '權杖的簽發時間在未來（{issuedAt}）。請檢查這台電腦的時鐘。',
    en: 'The token is issued in the future ({issuedAt}). Check this computer’s clock.',
  },
  'error.tokenWrongStage': {
    'zh-TW': '權杖屬於另一個 stage（{tokenStage}），本站使用 {expectedStage}。請用本站的 stage 產生權杖。',
    en: 'The token is for another stage ({tokenStage}); this site uses {expectedStage}. Create a token for this site’s stage.',
  },
  'error.tokenCannotPublish': {
    'zh-TW': '這個權杖沒有 PUBLISH 權限，不能直播。請使用直播者權杖，或到觀看端頁面使用它。',
    en: 'This token lacks the PUBLISH capability, so it cannot broadcast. Use a publisher token, or use this one on the viewer page.',
  },
  'error.tokenCannotSubscribe': {
    'zh-TW': '這個權杖沒有 SUBSCRIBE 權限，不能觀看。請使用觀看者權杖。',
    en: 'This token lacks the SUBSCRIBE capability, so it cannot watch. Use a viewer token.',
  },
  'error.tokenRejected': {
    'zh-TW': '伺服器不接受這個權杖（{detail}）。請確認它來自這個後端，或取得新的權杖。',
    en: 'The server refused this token ({detail}). Check it comes from this backend, or get a new one.',
  },
  'error.tokenInUse': {
    'zh-TW': '另一個分頁或裝置正在使用這個權杖。請關閉它，或取得新的權杖。',
    en: 'Another tab or device is using this token. Close it, or get a new token.',
  },
  'error.stageFull': {
    'zh-TW': 'Stage 已達人數上限。請稍後再試，或請其他人離開。',
    en: 'The stage is full. Try again later, or ask someone to leave.',
  },
  'error.stageNotFound': {
    'zh-TW': '找不到這個 stage（{detail}）。它可能已被刪除；請取得新的權杖。',
    en: 'The stage does not exist ({detail}). It may have been deleted; get a new token.',
  },
  'error.disconnectedByServer': {
    'zh-TW': '伺服器中斷了連線（{detail}）。',
    en: 'The server ended the connection ({detail}).',
  },
  'error.tokenExpiredAtReconnect': {
    'zh-TW': '連線中斷時權杖已於 {expiredAt} 過期，重新連線無法恢復。請取得新的權杖後再加入。',
    en: 'The connection dropped and the token expired at {expiredAt}, so reconnecting cannot restore it. Get a new token and join again.',
  },
  'error.corsRefused': {
    'zh-TW': '{server} 拒絕了來自這個頁面（{page}）的請求（CORS）。重新連線無法解決：請改用沙盒本身提供的頁面（{server}），或更新沙盒（npm start）後取得新的權杖。',
    en: '{server} refused requests from this page ({page}) (CORS). Reconnecting cannot fix this: open the pages the sandbox itself serves ({server}), or update and restart the sandbox (npm start) and get a new token.',
  },
  'error.privateNetworkBlocked': {
    'zh-TW': '瀏覽器不允許這個頁面（{page}）連到你私人網路上的 {server}。請在瀏覽器的網站設定中允許「區域網路存取」，或改用沙盒本身提供的頁面（{server}）。',
    en: 'The browser blocked this page ({page}) from reaching {server} on your private network. Allow local network access for this site in the browser\'s site settings, or open the pages the sandbox itself serves ({server}).',
  },
  'error.serverUnreachable': {
    'zh-TW': '{server} 沒有回應。沙盒還在執行嗎（npm start）？沙盒重新啟動後舊的權杖就不能用了：請取得新的權杖。',
    en: 'Nothing answers at {server}. Is the sandbox running (npm start)? After a restart its old tokens no longer work: get a new token.',
  },
  'error.eventsRefused': {
    'zh-TW': '{server} 拒絕了事件連線（WebSocket），在連線建立之前就失敗。請確認權杖來自正在執行的沙盒或 IVS，並取得新的權杖後再試。',
    en: '{server} refused the events connection (WebSocket) before it opened. Check that the token comes from the sandbox or IVS that is running now, and try again with a new token.',
  },
  'error.networkLost': {
    'zh-TW': '網路連線中斷（{detail}）。會自動重新連線；若一直失敗，請檢查網路。',
    en: 'The network connection was lost ({detail}). Reconnecting automatically; if it keeps failing, check the network.',
  },
  'error.publisherGone': {
    'zh-TW': '直播者 {userId} 已停止直播。',
    en: 'Publisher {userId} stopped broadcasting.',
  },
  'error.permissionDenied': {
    'zh-TW': '攝影機或麥克風權限被拒絕。請按網址列的攝影機圖示允許存取，然後重新整理頁面。',
    en: 'Camera or microphone access was denied. Allow it from the camera icon in the address bar, then reload the page.',
  },
  'error.insecureContext': {
    'zh-TW': '攝影機與麥克風只能在 HTTPS 或 localhost 使用。請用 https:// 或 http://localhost 開啟本頁。',
    en: 'Camera and microphone work only over HTTPS or on localhost. Open this page with https:// or http://localhost.',
  },
  'error.noDevice': {
    'zh-TW': '找不到攝影機或麥克風。請接上裝置後再試。',
    en: 'No camera or microphone was found. Connect one and try again.',
  },
  'error.deviceBusy': {
    'zh-TW': '攝影機或麥克風正被其他程式使用。請關閉其他視訊程式或分頁後再試。',
    en: 'The camera or microphone is in use by another app. Close other video apps or tabs and try again.',
  },
  'error.unsupportedBrowser': {
    'zh-TW': '此瀏覽器缺少 {detail}。請使用最新版 Chrome、Edge、Firefox 或 Safari。',
    en: 'This browser lacks {detail}. Use a current Chrome, Edge, Firefox or Safari.',
  },
  'error.unsupportedCodec': {
    'zh-TW': '找不到共同支援的影音編碼（{detail}）。請換一個瀏覽器。',
    en: 'No common codec ({detail}). Try another browser.',
  },
  'error.serverRejected': {
    'zh-TW': '伺服器拒絕了請求（{detail}）。',
    en: 'The server refused the request ({detail}).',
  },
  'error.unknown': {
    'zh-TW': '發生未預期的錯誤：{detail}。事件紀錄中有詳細資料。',
    en: 'Unexpected error: {detail}. The event log has details.',
  },
} satisfies Catalogue;
