/** UI strings in Traditional Chinese (Taiwan) and English: connection and media status (web/src/ui/stage-status.ts). */
import type { Catalogue } from './types.js';

export const status = {
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
} satisfies Catalogue;
