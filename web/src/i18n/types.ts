/** Every UI string exists in both languages; one catalogue, one module per page or shared part, merged in i18n/index.ts. */
export const LANGS = ['zh-TW', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Message id -> text per language. Placeholders are `{name}`. */
export type Catalogue = Record<string, Readonly<Record<Lang, string>>>;
