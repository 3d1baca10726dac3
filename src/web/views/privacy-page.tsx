import { CURRENT_CONSENT, withKind } from '../../domain/consent.ts';
import { ADDRESS_KEY_DAYS } from '../../services/ip-hash.ts';
import { CONFIRMATION_MAILS_PER_SIGNATURE, DAILY_MAILS_PER_ADDRESS } from '../../domain/outbox.ts';
import { MAIL_COUNTS_KEPT_DAYS } from '../../jobs/forget-personal-data.ts';
import { Layout } from './layout.tsx';

/** The privacy notice, in plain words: what we keep, why, for how long, and how to remove it. */
export function PrivacyPage({ anonymiseAfterDays }: { anonymiseAfterDays: number }) {
  return (
    <Layout meta={{ title: 'Privacy', description: 'What Undersign keeps about the people who sign, and for how long.' }}>
      <h1>Privacy</h1>
      <p class="lede">Signing a petition can put people at risk. We collect as little as we can and delete it when it is no longer needed.</p>
      <h2>When you sign</h2>
      <ul>
        <li>We keep your name, your email address, and the postcode or country if you give one.</li>
        <li>Your email address is never shown to anyone: not on the page, not to the organiser, not to the target. We never say whether an address has signed.</li>
        <li>The organiser can hand the target a list of names with postcodes or countries, and the time each person signed.</li>
        <li>If you tick “keep me updated”, we email you the organiser’s updates. Every email has a link that stops them at once.</li>
        <li>{withKind(CURRENT_CONSENT.notice, 'petition')} This is wording version {CURRENT_CONSENT.version}; each signature records the version its signer saw.</li>
      </ul>
      <h2>Your internet address</h2>
      <p>
        We never store it. To spot mass fraud we keep a one-way code made from it with a key that changes every day. After {ADDRESS_KEY_DAYS} days the key is deleted and
        nobody, including us, can tell whose code it was.
      </p>
      <h2>How many emails we send</h2>
      <p>
        Nobody can use this site to flood an inbox. One signature gets at most {CONFIRMATION_MAILS_PER_SIGNATURE} emails: the confirmation, and one more if the same address
        signs again. An address gets at most {DAILY_MAILS_PER_ADDRESS} emails a day that anyone could ask for by typing it into a form. To count them we keep, for{' '}
        {MAIL_COUNTS_KEPT_DAYS} days, a one-way code made from the address with a secret key: never the address itself.
      </p>
      <h2>How long we keep it</h2>
      <p>
        {anonymiseAfterDays} days after a petition closes, we remove every signer’s name and email address and shorten postcodes to their district. Only the count and totals
        by area remain. Delivered emails are deleted after 30 days.
      </p>
      <h2>Seeing and removing your data</h2>
      <p>
        The email that confirms your signature links to a page that shows everything we keep about it, with a button that removes it. Removing it lowers the count.
      </p>
      <h2>No tracking</h2>
      <p>
        Pages load nothing from other sites: no analytics, no advertising, no social media buttons, no web fonts. Maps load images from the map server the site’s operator
        chose, and only on pages that show a map.
      </p>
    </Layout>
  );
}
