/**
 * Consumer (personal) mail domains. A school account sharing with one of these is sharing with a private
 * individual rather than an organisation, which matters for pupils (a `contact` risk). Data, not logic:
 * add a domain here when a school reports one.
 */
export const PERSONAL_MAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com',
  'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'live.co.uk', 'hotmail.co.uk', 'outlook.co.uk', 'windowslive.com',
  'yahoo.com', 'ymail.com', 'rocketmail.com',
  'aol.com', 'aim.com', 'aol.co.uk',
  'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me',
  'tutanota.com', 'tutanota.de', 'tuta.io', 'tuta.com',
  'gmx.com', 'gmx.co.uk', 'gmx.net', 'gmx.de', 'mail.com', 'email.com',
  'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru',
  'qq.com', '163.com', '126.com', 'sina.com', 'naver.com',
  'zoho.com', 'zohomail.com', 'fastmail.com', 'fastmail.fm', 'hey.com', 'hushmail.com', 'mailfence.com', 'disroot.org',
  'btinternet.com', 'btopenworld.com', 'talk21.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'blueyonder.co.uk',
  'talktalk.net', 'tiscali.co.uk', 'plus.com', 'sez.co.uk', 'laposte.net', 'web.de', 'libero.it',
];

/**
 * Providers that use their brand with many country endings (yahoo.co.uk, hotmail.fr, gmx.at, yandex.kz):
 * `brand.` followed by a two-letter country ending (or co./com. plus one) counts as personal.
 */
export const PERSONAL_MAIL_BRANDS: readonly string[] = ['yahoo', 'hotmail', 'outlook', 'gmx', 'yandex', 'web', 'libero', 'laposte', 'orange', 'wanadoo', 'free', 'rediffmail'];
