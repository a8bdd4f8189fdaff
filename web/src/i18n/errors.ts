/**
 * UI strings in Traditional Chinese (Taiwan) and English: stage errors, keyed `error.<StageErrorReason>`
 * (web/src/stage/errors.ts). Each says what happened and what to do, not just what broke.
 */
import type { Catalogue } from './types.js';

export const errors = {
  // --- errors: what happened and what to do (keys: error.<StageErrorReason>) -----------------------------------
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
