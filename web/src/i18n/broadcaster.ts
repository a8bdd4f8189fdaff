/** UI strings in Traditional Chinese (Taiwan) and English: the broadcaster page (web/pages/broadcaster.html). */
import type { Catalogue } from './types.js';

export const broadcaster = {
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
} satisfies Catalogue;
