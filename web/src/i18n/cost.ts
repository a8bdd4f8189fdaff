/** UI strings in Traditional Chinese (Taiwan) and English: the cost page (web/pages/cost.html, web/src/cost/). */
import type { Catalogue } from './types.js';

export const cost = {
  // --- cost page ------------------------------------------------------------------------------------------------
  'cost.title': { 'zh-TW': 'IVS 即時串流費用估算', en: 'IVS real-time streaming cost estimator' },
  'cost.intro': {
    'zh-TW': 'IVS 即時串流按「參與者小時」計費：每位主播與每位觀眾連在舞台上的每一小時都算一次。',
    en: 'IVS real-time streaming bills participant hours: every hour each host and each viewer is connected to a stage.',
  },
  'cost.hosts': { 'zh-TW': '主播人數', en: 'Hosts' },
  'cost.viewers': { 'zh-TW': '觀眾人數', en: 'Viewers' },
  'cost.hours': { 'zh-TW': '時數', en: 'Hours' },
  'cost.tier': { 'zh-TW': '解析度等級', en: 'Resolution tier' },
  'cost.freeTier': { 'zh-TW': '扣除免費額度（新帳號前 12 個月每月 {hours} 參與者小時）', en: 'Subtract the free tier ({hours} participant hours a month for a new account’s first 12 months)' },
  'cost.participantHours': { 'zh-TW': '參與者小時', en: 'Participant hours' },
  'cost.billableHours': { 'zh-TW': '計費參與者小時', en: 'Billable participant hours' },
  'cost.rate': { 'zh-TW': '費率（每參與者小時）', en: 'Rate (per participant hour)' },
  'cost.total': { 'zh-TW': '估計費用', en: 'Estimated cost' },
  'cost.invalid': { 'zh-TW': '{field}：{message}', en: '{field}: {message}' },
  'cost.seedTitle': { 'zh-TW': '原 README 的三個範例', en: 'The original README’s three examples' },
  'cost.seedIntro': {
    'zh-TW': '原 README 以每參與者小時 ${seedRate} 估算；下表並列目前費率的結果。',
    en: 'The original README priced a participant hour at ${seedRate}; the table sets it beside current rates.',
  },
  'cost.col.scenario': { 'zh-TW': '情境', en: 'Scenario' },
  'cost.col.seed': { 'zh-TW': '原 README', en: 'Original README' },
  'cost.col.now': { 'zh-TW': '目前費率 ({tier})', en: 'Current rate ({tier})' },
  'cost.col.ratio': { 'zh-TW': '差異', en: 'Difference' },
  'cost.scenario': { 'zh-TW': '{hosts} 主播 + {viewers} 觀眾，{hours} 小時', en: '{hosts} host + {viewers} viewers, {hours} h' },
  'cost.source': { 'zh-TW': '費率來源：{source}（記錄於 {date}）', en: 'Rates from {source} (recorded {date})' },
  'cost.estimate': { 'zh-TW': '估算', en: 'Estimate' },
  'cost.unverified': {
    'zh-TW':
      '注意：計費方式、免費額度與 SD/HD/Full HD 的定義已於記錄日期自來源頁面確認；費率表無法在此離線環境讀取，此處費率為最後記錄的即時串流費率，且各等級相同。引用數字前，請至來源頁面確認並更新 web/data/ivs-realtime-pricing.json。',
    en: 'Note: the billing model, free tier and SD/HD/Full HD definitions were checked on the source page on the recorded date; its rate table could not be read from this offline environment, so the rate here is the last recorded real-time rate, the same for every tier. Check the source page and update web/data/ivs-realtime-pricing.json before quoting a figure.',
  },
  'cost.dataFailed': { 'zh-TW': '無法載入費率檔：{detail}', en: 'Could not load the rate file: {detail}' },
} satisfies Catalogue;
