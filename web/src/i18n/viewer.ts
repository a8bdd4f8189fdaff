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
  'net.label': { 'zh-TW': '模擬網路', en: 'Simulate network' },
  'net.preset.off': { 'zh-TW': '不模擬', en: 'Off' },
  'net.preset.wifi': { 'zh-TW': '良好 Wi-Fi', en: 'Good Wi-Fi' },
  'net.preset.4g': { 'zh-TW': '4G', en: '4G' },
  'net.preset.3g': { 'zh-TW': '壅塞的 3G', en: 'Congested 3G' },
  'net.preset.lossy': { 'zh-TW': '高遺失率', en: 'Lossy' },
  'net.applied': { 'zh-TW': '已套用模擬網路：{preset}', en: 'Simulated network: {preset}' },
  'net.failed': { 'zh-TW': '無法套用模擬網路「{preset}」：{detail}', en: 'Could not simulate "{preset}": {detail}' },
  'vw.layer.label': { 'zh-TW': '{user} 的畫質', en: 'Quality of {user}' },
  'vw.layer.auto': { 'zh-TW': '自動', en: 'Auto' },
  'vw.layer.high': { 'zh-TW': '高', en: 'High' },
  'vw.layer.medium': { 'zh-TW': '中', en: 'Medium' },
  'vw.layer.low': { 'zh-TW': '低', en: 'Low' },
  'vw.layerChosen': { 'zh-TW': '{user} 的畫質改為「{layer}」', en: 'Quality of {user} set to "{layer}"' },
  'vw.layerFailed': { 'zh-TW': '無法切換 {user} 的畫質：{detail}', en: 'Could not change the quality of {user}: {detail}' },
  'vw.publisherJoined': { 'zh-TW': '{user} 開始直播', en: '{user} started publishing' },
  'vw.publisherLeft': { 'zh-TW': '{user} 已停止直播', en: '{user} stopped publishing' },
  'vw.joined': { 'zh-TW': '已加入 stage', en: 'Joined the stage' },
  'vw.left': { 'zh-TW': '已離開 stage', en: 'Left the stage' },
  'vw.tooMany': {
    'zh-TW': '只顯示前 {max} 位直播者。',
    en: 'Showing the first {max} publishers only.',
  },
} satisfies Catalogue;
