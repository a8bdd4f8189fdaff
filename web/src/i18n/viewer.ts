/** UI strings in Traditional Chinese (Taiwan) and English: the viewer page (web/pages/viewer.html). */
import type { Catalogue } from './types.js';

export const viewer = {
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
} satisfies Catalogue;
