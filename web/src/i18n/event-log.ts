/** UI strings in Traditional Chinese (Taiwan) and English: the event log card (web/src/ui/event-log.ts). */
import type { Catalogue } from './types.js';

export const eventLog = {
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
} satisfies Catalogue;
