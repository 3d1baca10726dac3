import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { confirmSignatureMail } from '../../src/mail/confirm-signature.tsx';
import { magicLinkMail } from '../../src/mail/magic-link.tsx';
import { alreadySignedMail } from '../../src/mail/already-signed.tsx';
import { moderationDecisionMail } from '../../src/mail/moderation-decision.tsx';
import { petitionUpdateMail } from '../../src/mail/petition-update.tsx';
import { MODERATION_DECISIONS } from '../../src/domain/moderation.ts';
import type { OutgoingMail } from '../../src/store/records.ts';

// Every email, rendered with what people really type: long titles, ampersands, quotes, and markup.
const BASE = 'https://petitions.example.org';
const SCRIPT = '<script>alert(1)</script>';
const LONG_TITLE =
  'Keep the Sunday opening hours of every public library in Cambridge & the surrounding villages, and fund them properly from next April';
const HOSTILE_TITLE = `Fix the "Mill Road" bridge ${SCRIPT} now & for good`;
const TOKEN = 'Zq3xW8c1bT0yLr5mN2pK9sJdF4hG7vE6aQ';

interface Case {
  name: string;
  mail: OutgoingMail;
  /** What the reader typed or a moderator wrote: it must reach both versions as written. */
  userText: string[];
  /** Links the plain text must hold, whole. */
  textLinks: string[];
  /** Links the HTML must hold. */
  htmlLinks: string[];
  /** The plain text holds exactly these links and no other (so nobody follows the wrong one). */
  onlyLinks?: boolean;
  /** Text the call-to-action button reads, when the mail has one. */
  button?: string;
}

const confirmUrl = `${BASE}/signatures/confirm/${TOKEN}`;
const yourDataUrl = `${BASE}/signatures/yours/${TOKEN}`;
const petitionUrl = `${BASE}/petitions/keep-cambridge-libraries-open-on-sundays`;
const unsubscribeUrl = `${BASE}/unsubscribe/${TOKEN}`;
const authUrl = `${BASE}/auth/${TOKEN}`;
const privacyUrl = `${BASE}/privacy`;

const cases: Case[] = [
  ...(['petition', 'pledge'] as const).flatMap((kind) =>
    [LONG_TITLE, HOSTILE_TITLE].map((title): Case => ({
      name: `confirm ${kind}: ${title.slice(0, 30)}`,
      mail: confirmSignatureMail({ to: 'ada@example.org', name: `Ada ${SCRIPT} Lovelace-Byron`, kind, petitionTitle: title, confirmUrl, yourDataUrl }),
      userText: [`Ada ${SCRIPT} Lovelace-Byron`, title],
      textLinks: [confirmUrl],
      htmlLinks: [confirmUrl, yourDataUrl, privacyUrl],
      onlyLinks: true,
      button: kind === 'pledge' ? 'Confirm my pledge' : 'Confirm my signature',
    })),
  ),
  // No link that changes anything: the petition, and the privacy notice.
  ...(['petition', 'pledge'] as const).flatMap((kind) =>
    [LONG_TITLE, HOSTILE_TITLE].map((title): Case => ({
      name: `already signed ${kind}: ${title.slice(0, 30)}`,
      mail: alreadySignedMail({ to: 'ada@example.org', name: `Ada ${SCRIPT} Lovelace-Byron`, kind, petitionTitle: title, petitionUrl }),
      userText: [`Ada ${SCRIPT} Lovelace-Byron`, title],
      textLinks: [petitionUrl, privacyUrl],
      htmlLinks: [petitionUrl, privacyUrl],
      onlyLinks: true,
      button: kind === 'pledge' ? 'See the pledge' : 'See the petition',
    })),
  ),
  ...[LONG_TITLE, HOSTILE_TITLE, null].map((title): Case => ({
    name: `magic link: ${title?.slice(0, 30) ?? 'sign in'}`,
    mail: magicLinkMail({ to: 'nadia@example.org', link: authUrl, petitionTitle: title, validForHours: 24 }),
    userText: title ? [title] : [],
    textLinks: [authUrl],
    htmlLinks: [authUrl, privacyUrl],
    onlyLinks: true,
    button: title ? 'Confirm my petition' : 'Sign in',
  })),
  ...MODERATION_DECISIONS.flatMap((decision) =>
    [LONG_TITLE, HOSTILE_TITLE].map((title): Case => {
      const reason = decision === 'approve' ? null : `It names a private person ${SCRIPT}. We do not host petitions that target individuals.\n\nYou are welcome to start it again without the name, addressed to the council that can act on it.`;
      const live = decision === 'approve' || decision === 'restore';
      return {
        name: `moderation ${decision}: ${title.slice(0, 30)}`,
        mail: moderationDecisionMail({ to: 'oli@example.org', decision, kind: 'petition', petitionTitle: title, petitionUrl, reason }),
        userText: [title, ...(reason ? reason.split('\n\n') : [])],
        textLinks: live ? [petitionUrl, privacyUrl] : [privacyUrl],
        htmlLinks: live ? [petitionUrl, privacyUrl] : [privacyUrl],
        ...(live ? { button: 'See your petition' } : {}),
      };
    }),
  ),
  ...(['update', 'victory'] as const).flatMap((type) =>
    [LONG_TITLE, HOSTILE_TITLE].map((title): Case => {
      const body = `The council will discuss it on Monday at 6pm in the Guildhall, and anyone may speak for three minutes ${SCRIPT}.\nBring a friend & a sign.\n\nThank you, all 2,345 of you.`;
      const link = 'https://example.org/agenda?meeting=2019-10-21&item=7';
      return {
        name: `${type}: ${title.slice(0, 30)}`,
        mail: petitionUpdateMail({ to: 'keen@example.org', type, petitionTitle: title, petitionUrl, text: body, link, unsubscribeUrl }),
        userText: [title, ...body.split(/\n+/)],
        textLinks: [link, petitionUrl, unsubscribeUrl, privacyUrl],
        htmlLinks: [link.replace(/&/g, '&amp;'), petitionUrl, unsubscribeUrl, privacyUrl],
        button: 'See the petition',
      };
    }),
  ),
];

const URL_PATTERN = /https?:\/\/\S+/g;
const ENTITY = /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const unwrap = (s: string) => s.replace(/\s+/g, ' ');

/** Every element's opening tag: [whole, name, attributes]. */
const tags = (html: string) => [...html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)];
const attr = (attributes: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attributes)?.[1];
/** Links with their visible text, markup removed. */
const links = (html: string) =>
  [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => ({ href: decode(attr(m[1]!, 'href') ?? ''), text: decode(m[2]!.replace(/<[^>]+>/g, '')).trim() }));

describe('every email reads well as plain text and as HTML', () => {
  assert.ok(cases.length >= 23, 'every template, in every variant');

  for (const c of cases) {
    describe(c.name, () => {
      const { text, html, subject } = c.mail;

      test('the subject is one line, with the user’s text as typed', () => {
        assert.doesNotMatch(subject, /[\r\n]/);
        assert.doesNotMatch(subject, ENTITY);
      });

      test('the plain text is text: no markup of ours, no entities, the user’s words as typed', () => {
        assert.doesNotMatch(text, ENTITY, 'no HTML entities');
        // The only tags are the ones a person typed, shown as typed rather than escaped.
        const found = text.match(/<\/?[a-z][^>]*>/gi) ?? [];
        const typed: string[] = c.userText.join(' ').match(/<\/?[a-z][^>]*>/gi) ?? [];
        for (const tag of found) assert.ok(typed.includes(tag), `a tag of ours in the plain text: ${tag}`);
        for (const words of c.userText) assert.ok(unwrap(text).includes(unwrap(words)), `the plain text holds “${words}”`);
      });

      test('the plain text is wrapped: short lines, paragraphs apart, no trailing spaces', () => {
        for (const line of text.split('\n')) {
          assert.doesNotMatch(line, /\s$/, `trailing space: “${line}”`);
          if (line.length > 78) assert.match(line, /^[^:]{0,40}:? ?https?:\/\/\S+$/, `a line over 78 characters that is not a link: “${line}”`);
        }
        assert.doesNotMatch(text, /\n{3,}/, 'one blank line between paragraphs');
        assert.ok(text.includes('\n\n'), 'paragraphs apart');
        assert.match(text, /^Hello\b/, 'it greets the reader');
        assert.match(text, /You get this email because/, 'it says why it came');
      });

      test('the plain text holds its links whole, each at the end of its line', () => {
        const found: string[] = text.match(URL_PATTERN) ?? [];
        for (const link of c.textLinks) assert.ok(found.includes(link), `the link ${link} is whole in: ${text}`);
        if (c.onlyLinks) assert.deepEqual(found, c.textLinks, 'the plain text holds only its one link');
        for (const line of text.split('\n')) if (/https?:\/\//.test(line)) assert.match(line, /https?:\/\/\S+$/, 'nothing after a link on its line');
      });

      test('the HTML is a complete, labelled document', () => {
        assert.match(html, /^<!doctype html><html lang="en">/);
        assert.match(html, /<meta charset="utf-8"\/?>/);
        const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
        assert.equal(decode(title ?? ''), subject, 'the title is the subject');
        assert.equal((html.match(/<title>/g) ?? []).length, 1);
      });

      test('the HTML escapes what people typed', () => {
        assert.ok(!html.includes(SCRIPT), 'no live script');
        assert.doesNotMatch(html, /<script/i);
        // What a reader sees once the markup of ours is gone: the words as typed.
        const shown = unwrap(decode(html.replace(/<[^>]+>/g, ' ')));
        for (const words of c.userText) assert.ok(shown.includes(unwrap(words)), `the HTML shows “${words}”`);
        if (c.userText.some((w) => w.includes(SCRIPT))) assert.ok(html.includes('&lt;script>') || html.includes('&lt;script&gt;'));
      });

      test('the HTML links are absolute, with words that say where they go', () => {
        const found = links(html);
        assert.ok(found.length > 0);
        for (const link of found) {
          assert.match(link.href, /^https?:\/\/[^/\s]+/, `absolute link: ${link.href}`);
          assert.ok(link.text.length >= 4, `readable link text for ${link.href}`);
          assert.doesNotMatch(link.text, /^(click )?here$|^https?:/i, `link text says where it goes: ${link.text}`);
        }
        for (const link of c.htmlLinks) assert.ok(html.includes(`href="${link}"`), `the HTML links to ${link}`);
        assert.ok(found.some((l) => l.href === privacyUrl && /data|privacy/i.test(l.text)), 'a footer link to the privacy notice');
      });

      test('the HTML has one call to action, drawn as a button', () => {
        const buttons = tags(html).filter((t) => t[1] === 'a' && /background:/.test(attr(t[2]!, 'style') ?? ''));
        if (!c.button) return assert.equal(buttons.length, 0);
        assert.equal(buttons.length, 1, 'one button');
        assert.ok(links(html).some((l) => l.text === c.button), `the button reads “${c.button}”`);
      });

      test('the HTML styles inline only, and loads nothing from anywhere', () => {
        assert.doesNotMatch(html, /<style|<link\b|<img\b|<iframe|<object|<svg|@import|@font-face|url\(/i);
        for (const [whole, name, attributes] of tags(html)) {
          assert.equal(attr(attributes!, 'class'), undefined, `a class, which mail clients cannot style: ${whole}`);
          assert.equal(attr(attributes!, 'src'), undefined, `nothing loaded: ${whole}`);
          assert.doesNotMatch(attributes!, /\son[a-z]+=/i, `no handlers: ${name}`);
        }
      });

      test('the preheader, if any, is hidden in the message', () => {
        const preheaders = tags(html).filter((t) => /display:\s*none/.test(attr(t[2]!, 'style') ?? ''));
        assert.ok(preheaders.length <= 1);
        for (const [, , attributes] of preheaders) {
          const style = attr(attributes!, 'style')!;
          for (const rule of [/max-height:\s*0/, /overflow:\s*hidden/, /opacity:\s*0/, /mso-hide:\s*all/]) assert.match(style, rule);
        }
        // It comes before anything visible, so it is what the inbox list shows.
        if (preheaders.length) assert.ok(html.indexOf(preheaders[0]![0]) < html.indexOf('Hello'));
      });

      test('the HTML greets the reader and says why it came', () => {
        assert.match(html, />Hello\b/);
        assert.match(html, /You get this email because/);
      });
    });
  }

  test('updates carry the one-click unsubscribe headers', () => {
    for (const c of cases.filter((c) => c.mail.kind.startsWith('petition-update') || c.mail.kind === 'petition-victory')) {
      assert.equal(c.mail.headers?.['List-Unsubscribe'], `<${unsubscribeUrl}>`);
      assert.equal(c.mail.headers?.['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    }
  });
});
