/** UI strings in Traditional Chinese (Taiwan) and English: the tools page (web/pages/tools.html). */
import type { Catalogue } from './types.js';

export const tools = {
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
} satisfies Catalogue;
