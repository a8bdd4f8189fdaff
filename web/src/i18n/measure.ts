/**
 * UI strings in Traditional Chinese (Taiwan) and English: the measurement panels (web/src/measure/), mounted on
 * the broadcaster and viewer pages.
 */
import type { Catalogue } from './types.js';

export const measure = {
  // --- panels (mounted by web/src/measure/) ---------------------------------------------------------------------
  'panel.stats': { 'zh-TW': '即時統計', en: 'Live statistics' },
  'panel.latency': { 'zh-TW': '延遲量測', en: 'Latency' },

  // --- stats panel ----------------------------------------------------------------------------------------------
  'stats.title': { 'zh-TW': '即時連線統計', en: 'Live connection stats' },
  'stats.waiting': { 'zh-TW': '加入舞台後開始收集統計。', en: 'Stats start once you join the stage.' },
  'stats.noStreams': { 'zh-TW': '尚無收發中的串流。', en: 'No stream is being sent or received yet.' },
  'stats.failed': { 'zh-TW': '無法讀取統計：{detail}', en: 'Could not read stats: {detail}' },
  'stats.download': { 'zh-TW': '下載原始統計 (JSON)', en: 'Download raw stats (JSON)' },
  'stats.col.stream': { 'zh-TW': '串流', en: 'Stream' },
  'stats.col.codec': { 'zh-TW': '編碼', en: 'Codec' },
  'stats.col.bitrate': { 'zh-TW': '位元率 (kbit/s)', en: 'Bitrate (kbit/s)' },
  'stats.col.fps': { 'zh-TW': 'FPS', en: 'FPS' },
  'stats.col.resolution': { 'zh-TW': '解析度', en: 'Resolution' },
  'stats.col.loss': { 'zh-TW': '封包遺失 %', en: 'Packet loss %' },
  'stats.col.jitter': { 'zh-TW': '抖動 (ms)', en: 'Jitter (ms)' },
  'stats.col.rtt': { 'zh-TW': 'RTT (ms)', en: 'RTT (ms)' },
  'stats.col.nackPli': { 'zh-TW': 'NACK / PLI', en: 'NACK / PLI' },
  'stats.col.limit': { 'zh-TW': '畫質受限原因', en: 'Quality limited by' },
  'stats.col.freezes': { 'zh-TW': '凍結次數 (秒)', en: 'Freezes (s)' },
  'stats.col.network': { 'zh-TW': '網路品質', en: 'Network quality' },
  'stats.dir.outbound': { 'zh-TW': '送出', en: 'sent' },
  'stats.dir.inbound': { 'zh-TW': '接收', en: 'received' },
  'stats.kind.audio': { 'zh-TW': '音訊', en: 'audio' },
  'stats.kind.video': { 'zh-TW': '視訊', en: 'video' },
  'stats.chart.bitrate': { 'zh-TW': '位元率 (kbit/s)', en: 'Bitrate (kbit/s)' },
  'stats.chart.fps': { 'zh-TW': '影格率 (FPS)', en: 'Frame rate (FPS)' },
  'stats.chart.loss': { 'zh-TW': '封包遺失 (%)', en: 'Packet loss (%)' },
  'stats.chart.rtt': { 'zh-TW': 'RTT (ms)', en: 'RTT (ms)' },

  // --- latency panel --------------------------------------------------------------------------------------------
  'latency.title': { 'zh-TW': '延遲量測（畫面到畫面）', en: 'Latency probe (glass to glass)' },
  'latency.stampToggle': {
    'zh-TW': '在送出的影像上方加上時間碼（下次發布時生效）',
    en: 'Stamp a time code across the top of my outgoing video (applies the next time you publish)',
  },
  'latency.stampHint': {
    'zh-TW': '觀眾端會從每一格畫面讀出時間碼並計算延遲。',
    en: 'Viewers read the code from every frame and compute the delay.',
  },
  'latency.waitingVideo': { 'zh-TW': '等待主播的影像…', en: 'Waiting for a host’s video…' },
  'latency.noStamp': {
    'zh-TW': '收到的畫面沒有時間碼：請主播勾選「加上時間碼」後重新發布。',
    en: 'The video carries no time code: ask the host to tick “Stamp a time code” and publish again.',
  },
  'latency.current': { 'zh-TW': '目前', en: 'Current' },
  'latency.p50': { 'zh-TW': 'p50', en: 'p50' },
  'latency.p95': { 'zh-TW': 'p95', en: 'p95' },
  'latency.samples': { 'zh-TW': '樣本數', en: 'Samples' },
  'latency.decodeErrors': { 'zh-TW': '無法解碼的畫面', en: 'Frames without a readable code' },
  'latency.firstFrame': { 'zh-TW': '首格畫面時間', en: 'Time to first frame' },
  'latency.ms': { 'zh-TW': '{value} ms', en: '{value} ms' },
  'latency.histogram': { 'zh-TW': '延遲分布 (ms)', en: 'Latency histogram (ms)' },
  'latency.export': { 'zh-TW': '匯出此次量測 (JSON)', en: 'Export this run (JSON)' },
  'latency.reset': { 'zh-TW': '重新開始', en: 'Start a new run' },
  'latency.clock.syncing': { 'zh-TW': '正在與伺服器對時…', en: 'Syncing the clock with the server…' },
  'latency.clock.synced': {
    'zh-TW': '時鐘偏移 {offset} ms（誤差 ± {error} ms，{samples} 次取樣）',
    en: 'Clock offset {offset} ms (error ± {error} ms, {samples} samples)',
  },
  'latency.clock.local': {
    'zh-TW': '未對時：使用本機時鐘（主播與觀眾在同一台電腦時可信）。',
    en: 'Not synced: using this computer’s clock (trustworthy when host and viewer share one computer).',
  },
  'latency.clock.failed': {
    'zh-TW': '對時失敗（{detail}），改用本機時鐘。',
    en: 'Clock sync failed ({detail}); using this computer’s clock.',
  },
  'latency.clock.resync': { 'zh-TW': '重新對時', en: 'Sync clock again' },
} satisfies Catalogue;
