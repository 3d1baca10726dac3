import type { ComponentChildren } from 'preact';
import type { OutboxMail, Petition } from '../../store/records.ts';
import { Layout } from './layout.tsx';
import { formatCount } from './format.ts';
import { When } from './when.tsx';

/** A page with a heading and a few paragraphs: errors, notices, thank-yous. */
export function MessagePage({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <Layout meta={{ title, noindex: true }}>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

export function PetitionList({ petitions }: { petitions: Petition[] }) {
  if (petitions.length === 0) return <p>There are no petitions yet.</p>;
  return (
    <ul class="petition-list">
      {petitions.map((p) => (
        <li>
          <h3>
            <a href={`/petitions/${p.slug}`}>{p.title}</a>
          </h3>
          <p class="target">To: {p.target}</p>
          <p class="count-line">
            {formatCount(p.signatureCount)} {p.kind === 'pledge' ? 'pledges' : 'signatures'}
            {p.location ? ` · ${p.location.name}` : ''}
            {p.category ? ` · ${p.category.name}` : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}

export function HomePage({ petitions }: { petitions: Petition[] }) {
  return (
    <Layout meta={{ title: 'Petitions and pledges that put pressure where it counts', description: 'Start, sign and follow petitions and pledges.' }}>
      <h1>Petitions and pledges</h1>
      <p class="lede">Sign once, confirmed by email. Your address is never shown to anyone.</p>
      <h2>Recent</h2>
      <PetitionList petitions={petitions} />
    </Layout>
  );
}

export function OutboxPage({ mails }: { mails: OutboxMail[] }) {
  return (
    <Layout meta={{ title: 'Development outbox', noindex: true }}>
      <h1>Development outbox</h1>
      <p>Mail is kept here because no SMTP_URL is set. This page does not exist in production.</p>
      {mails.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <table class="outbox">
          <caption class="visually-hidden">Mail, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((m) => (
              <tr>
                <td>
                  <When at={m.createdAt} />
                </td>
                <td>{m.to}</td>
                <td>
                  <a href={`/dev/outbox/${m.id}`}>{m.subject}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** A mail's plain-text body, with its links made clickable. */
export function OutboxMailPage({ mail }: { mail: OutboxMail }) {
  const parts = mail.text.split(/(https?:\/\/\S+)/);
  return (
    <Layout meta={{ title: mail.subject, noindex: true }}>
      <p>
        <a href="/dev/outbox">Back to the outbox</a>
      </p>
      <h1>{mail.subject}</h1>
      <p>To: {mail.to}</p>
      <pre class="mail-text">{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</pre>
    </Layout>
  );
}
